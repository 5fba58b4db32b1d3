package workflow

import (
	"fmt"
	"unicode/utf8"

	"github.com/callspec/callspec/kernel/celenv"
)

// This file decides, once, what each option of a field means: which field
// types an option applies to, what max_length counts, which values a type
// bounds by itself, the JSON Schema format of a type, its example and
// format name, and which fields hold personal data by default. The
// checker, the handler's validation, the JSON Schema and platform config
// emitters, the docs page and the lint rules all ask here, so that a
// schema, a config, a page and the handler cannot disagree about a field.
// ir.Field embeds Field, so every method is available on it as well.

// Elem is the type of each value of f: the item type of a list, else the
// field's own type. Options such as values, pattern, min and max apply to
// each value.
func (f *Field) Elem() celenv.Kind {
	if f.Type == celenv.ListKind {
		return f.Items
	}
	return f.Type
}

// TypeName is f's type as a spec writes it, and messages name it: "phone",
// "list of text".
func (f *Field) TypeName() string {
	if f.Type == celenv.ListKind {
		return "list of " + string(f.Items)
	}
	return string(f.Type)
}

// CEL is f's declaration in the typed CEL environment.
func (f *Field) CEL() celenv.Field {
	return celenv.Field{Name: f.Name, Type: f.Type, Items: f.Items}
}

// LengthUnit is what a field's max_length counts.
type LengthUnit int

// The units of max_length.
const (
	// NoLength: max_length does not apply to the type.
	NoLength LengthUnit = iota
	// CodePoints: the characters of a text, counted as Unicode code
	// points (not bytes, not grapheme clusters).
	CodePoints
	// Items: the number of items of a list, not the length of each item.
	Items
)

// LengthUnitOf is what max_length counts on a field of type k: code
// points for text, items for a list, and NoLength for every other type,
// which max_length does not apply to.
func LengthUnitOf(k celenv.Kind) LengthUnit {
	switch k {
	case celenv.Text:
		return CodePoints
	case celenv.ListKind:
		return Items
	}
	return NoLength
}

// Noun is the unit in words, as docs and configs write a limit:
// "characters" or "items".
func (u LengthUnit) Noun() string {
	switch u {
	case CodePoints:
		return "characters"
	case Items:
		return "items"
	}
	return ""
}

// Measure is what the limit bounds, as a message says it: "its length" or
// "its number of items".
func (u LengthUnit) Measure() string {
	switch u {
	case CodePoints:
		return "its length"
	case Items:
		return "its number of items"
	}
	return ""
}

// count is the length of v in u: v is the whole value of a field (a
// string for text, a JSON array for a list).
func (u LengthUnit) count(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		if u == CodePoints {
			return int64(utf8.RuneCountInString(x)), true
		}
	case []any:
		if u == Items {
			return int64(len(x)), true
		}
	}
	return 0, false
}

// LengthLimit is f's max_length and what it counts; ok is false when f
// has no limit (max_length absent, or a type it does not apply to).
func (f *Field) LengthLimit() (n int64, unit LengthUnit, ok bool) {
	unit = LengthUnitOf(f.Type)
	if f.MaxLength <= 0 || unit == NoLength {
		return 0, NoLength, false
	}
	return f.MaxLength, unit, true
}

// LengthWords is f's length limit in words ("at most 200 characters",
// "at most 3 items"), or "" when f has none.
func (f *Field) LengthWords() string {
	n, unit, ok := f.LengthLimit()
	if !ok {
		return ""
	}
	return fmt.Sprintf("at most %d %s", n, unit.Noun())
}

// LengthProblem is why the handler refuses v, the whole value of f (a
// string for text, a JSON array for a list), for its length, or "" when
// it fits.
func (f *Field) LengthProblem(v any) string {
	limit, unit, ok := f.LengthLimit()
	if !ok {
		return ""
	}
	n, ok := unit.count(v)
	if !ok || n <= limit {
		return ""
	}
	if unit == Items {
		return fmt.Sprintf("more than max_length %d items", limit)
	}
	return fmt.Sprintf("longer than max_length %d", limit)
}

// RangeApplies reports whether min and max apply to values of type k
// (each item's type, for a list): numbers and integers.
func RangeApplies(k celenv.Kind) bool { return k == celenv.Number || k == celenv.Integer }

// RangeProblem is why the handler refuses the number n for f's min or
// max, or "" when it is within them.
func (f *Field) RangeProblem(n float64) string {
	if f.Min != nil && n < *f.Min {
		return fmt.Sprintf("below min %v", *f.Min)
	}
	if f.Max != nil && n > *f.Max {
		return fmt.Sprintf("above max %v", *f.Max)
	}
	return ""
}

// PatternApplies reports whether pattern applies to values of type k
// (each item's type, for a list): text only.
func PatternApplies(k celenv.Kind) bool { return k == celenv.Text }

// ValuesApply reports whether values (the allowed values) apply to values
// of type k (each item's type, for a list): enum only.
func ValuesApply(k celenv.Kind) bool { return k == celenv.Enum }

// PIIByDefault reports whether a field whose values are of type elem
// holds personal data when the spec does not say pii: phone numbers and
// email addresses identify a person.
func PIIByDefault(elem celenv.Kind) bool { return elem == celenv.Phone || elem == celenv.Email }

// The longest values the formats allow, in characters.
const (
	// PhoneMaxLength is a plus sign and 15 digits (E164Pattern).
	PhoneMaxLength = 16
	// EmailMaxLength is RFC 5321's limit on a path (isEmail).
	EmailMaxLength = 254
	// DateMaxLength is YYYY-MM-DD.
	DateMaxLength = 10
)

// Format is what the values of a type look like, for every output that
// states it.
type Format struct {
	// Name is the format's name as messages, docs and configs write it
	// ("E.164", "YYYY-MM-DD", "RFC 3339"), or "".
	Name string
	// Example is a value in the format, which the handler accepts.
	Example string
	// SchemaFormat and SchemaPattern state the format in a JSON Schema:
	// a format keyword ("email", "date", "date-time") or a pattern.
	SchemaFormat, SchemaPattern string
	// MaxLength is the longest value in code points, or 0 when the
	// format does not bound it.
	MaxLength int64
}

var formats = map[celenv.Kind]Format{
	celenv.Phone:    {Name: "E.164", Example: "+14155550123", SchemaPattern: E164Pattern, MaxLength: PhoneMaxLength},
	celenv.Email:    {Example: "name@example.com", SchemaFormat: "email", MaxLength: EmailMaxLength},
	celenv.Date:     {Name: "YYYY-MM-DD", Example: "2026-11-23", SchemaFormat: "date", MaxLength: DateMaxLength},
	celenv.DateTime: {Name: "RFC 3339", Example: "2026-11-23T15:04:05Z", SchemaFormat: "date-time"},
}

// FormatOf is the format of type k's values: phone, email, date and
// datetime have one; the zero Format for every other type.
func FormatOf(k celenv.Kind) Format { return formats[k] }

// TypeLengthBound is the longest value, in code points, that type k
// allows by itself (values are an enum's declared values); ok is false
// for types that do not bound the length of their values (text, for one).
func TypeLengthBound(k celenv.Kind, values []string) (n int64, ok bool) {
	if k == celenv.Enum {
		for _, v := range values {
			n = max(n, int64(utf8.RuneCountInString(v)))
		}
		return n, true
	}
	n = FormatOf(k).MaxLength
	return n, n > 0
}

// SchemaType is the JSON Schema type of values of type k: "number",
// "integer", "boolean", "array" for a list, and "string" for every type
// whose values are strings.
func SchemaType(k celenv.Kind) string {
	switch k {
	case celenv.Number, celenv.Integer, celenv.Boolean:
		return string(k)
	case celenv.ListKind:
		return "array"
	}
	return "string"
}
