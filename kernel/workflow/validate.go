package workflow

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
)

// Validator checks a call's extracted values against a definition's
// fields. It needs no CEL: lint uses it alone to check scenario values.
type Validator struct {
	def      *Definition
	patterns map[string]*regexp.Regexp
	// order is each field's index, to merge problem lists.
	order map[string]int
}

// NewValidator compiles the fields' patterns. It fails only on a
// definition that lint would have refused.
func NewValidator(d *Definition) (*Validator, error) {
	if d.PhoneRegion != "" && nationalNumbers == nil {
		return nil, fmt.Errorf("workflow %s sets phone_region, but this program does not import github.com/callspec/callspec/kernel/workflow/phone, which reads national numbers; regenerate the handler with callspec build", d.ID)
	}
	v := &Validator{def: d, patterns: map[string]*regexp.Regexp{}, order: map[string]int{}}
	for i, f := range d.Fields {
		v.order[f.Name] = i
		if f.Pattern == "" {
			continue
		}
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return nil, fmt.Errorf("field %s: pattern: %w", f.Name, err)
		}
		v.patterns[f.Name] = re
	}
	return v, nil
}

// Validated is the result of checking extracted values against a definition.
type Validated struct {
	// JSON holds the accepted values in their canonical JSON form, for the
	// event's fields object.
	JSON map[string]any
	// CEL holds the same values typed for the CEL fields object.
	CEL celenv.Values
	// Missing names required fields without a value (or with a
	// placeholder), in declaration order.
	Missing []string
	// Invalid lists required fields whose values were refused, in
	// declaration order; they make the call incomplete.
	Invalid []event.FieldProblem
	// Dropped lists optional fields whose values were refused and left
	// out; on its own a dropped value never makes a call incomplete.
	Dropped []event.FieldProblem
	// Placeholders names fields whose value was a placeholder for "no
	// answer" ("N/A", "unknown", "desconocido", …), left out.
	Placeholders []string
	// Unknown names keys the platform sent that the spec does not declare;
	// they are dropped.
	Unknown []string
	order   map[string]int
}

// OK reports whether every required field is present and fits.
func (v *Validated) OK() bool { return len(v.Missing) == 0 && len(v.Invalid) == 0 }

// Refused lists every value the validator refused, required (Invalid)
// and optional (Dropped), in declaration order.
func (v *Validated) Refused() []event.FieldProblem {
	if len(v.Dropped) == 0 {
		return v.Invalid
	}
	out := slices.Concat(v.Invalid, v.Dropped)
	slices.SortStableFunc(out, func(a, b event.FieldProblem) int { return v.order[a.Field] - v.order[b.Field] })
	return out
}

// Notes explain what was left out, without the values (they may be
// personal data): one sentence per placeholder or dropped optional value.
func (v *Validated) Notes() []string {
	var out []string
	for _, f := range v.Placeholders {
		out = append(out, fmt.Sprintf("field %s: the value is a placeholder for no answer and was left out", f))
	}
	for _, p := range v.Dropped {
		out = append(out, fmt.Sprintf("field %s: the optional value was left out (%s)", p.Field, p.Reason))
	}
	return out
}

// E164Pattern is the ITU-T E.164 shape of a phone value: a plus sign and
// up to 15 digits, the first not 0. The handler checks it, the JSON
// Schemas and the platform configs carry it (the one place it is
// written; RE2 and ECMA-262 read it alike).
const E164Pattern = `^\+[1-9][0-9]{1,14}$`

var e164 = regexp.MustCompile(E164Pattern)

// IsE164 reports whether s is an E.164 phone number.
func IsE164(s string) bool { return e164.MatchString(s) }

// Validate checks raw extracted values (as decoded from JSON) against the
// fields of d. Coercions are deliberately narrow, because platforms send
// what a language model wrote:
//
//   - null, "" and whitespace-only text count as absent, and so does a
//     placeholder that models write for "no answer" ("N/A", "unknown",
//     "none", "-" and their equivalents in the spec's language; see
//     IsPlaceholder), unless it is a declared enum value;
//   - a refused value of a required field is Invalid (the call is
//     incomplete); of an optional field it is Dropped, with a note;
//   - text accepts strings (and numbers or booleans, written as text),
//     then checks max_length (code points) and pattern;
//   - number and integer accept JSON numbers and numeric strings
//     ("60000", "60,000"), never "60k"; integer must be whole; min/max apply;
//   - boolean accepts true/false and the strings true, false, yes, no;
//   - enum matches a declared value exactly or ignoring case, and is
//     normalised to the declared spelling;
//   - phone must be E.164 ("+15551234567"; spaces, dashes, dots and
//     parentheses after the plus are removed); a national number
//     ("(415) 555-0132") is converted only when the spec gives
//     phone_region (kernel/workflow/phone), and never guessed otherwise;
//   - email is a bare address; date is YYYY-MM-DD; datetime is RFC 3339;
//   - list takes a JSON array whose items follow the item type; max_length
//     bounds the number of items.
func (c *Validator) Validate(raw map[string]any) *Validated {
	n := len(c.def.Fields)
	v := &Validated{JSON: make(map[string]any, n), CEL: make(celenv.Values, n), order: c.order}
	for i := range c.def.Fields {
		f := &c.def.Fields[i]
		val, present := raw[f.Name]
		placeholder := present && c.placeholder(f, val)
		if placeholder {
			v.Placeholders = append(v.Placeholders, f.Name)
		}
		if !present || placeholder || isEmpty(val) {
			if f.Required {
				v.Missing = append(v.Missing, f.Name)
			}
			continue
		}
		jsonVal, celVal, reason := c.coerce(f, f.Type, val)
		if reason != "" {
			p := event.FieldProblem{Field: f.Name, Reason: reason}
			if f.Required {
				v.Invalid = append(v.Invalid, p)
			} else {
				v.Dropped = append(v.Dropped, p)
			}
			continue
		}
		v.JSON[f.Name] = jsonVal
		v.CEL[f.Name] = celVal
	}
	for k := range raw {
		if _, ok := c.def.Field(k); !ok {
			v.Unknown = append(v.Unknown, k)
		}
	}
	slices.Sort(v.Unknown)
	return v
}

// placeholder reports whether val is a "no answer" placeholder for f: a
// string (or a list of nothing but placeholders) that is not one of f's
// declared enum values.
func (c *Validator) placeholder(f *Field, val any) bool {
	s, ok := val.(string)
	if !ok {
		return false
	}
	for _, allowed := range f.Values {
		if strings.EqualFold(strings.TrimSpace(s), allowed) {
			return false
		}
	}
	return IsPlaceholder(c.def.Language, s)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}

func (c *Validator) coerce(f *Field, kind celenv.Kind, val any) (jsonVal, celVal any, reason string) {
	switch kind {
	case celenv.Text:
		s, ok := asText(val)
		if !ok {
			return nil, nil, "expected text"
		}
		if kind == f.Type {
			if why := f.LengthProblem(s); why != "" {
				return nil, nil, why
			}
		}
		if re := c.patterns[f.Name]; re != nil && !re.MatchString(s) {
			return nil, nil, "does not match pattern"
		}
		return s, s, ""
	case celenv.Number, celenv.Integer:
		if kind == celenv.Integer {
			// Read exactly: 2^53+1 as a float64 is 2^53, a silent change.
			if i, ok := asExactInteger(val); ok && (i > maxExactInteger || i < -maxExactInteger) {
				return nil, nil, "expected a whole number between -2^53 and 2^53 (JSON readers round larger ones)"
			}
		}
		n, ok := asNumber(val)
		if !ok {
			return nil, nil, "expected a number"
		}
		if why := f.RangeProblem(n); why != "" {
			return nil, nil, why
		}
		if kind == celenv.Integer {
			if n != math.Trunc(n) || math.Abs(n) > maxExactInteger {
				return nil, nil, "expected a whole number"
			}
			return int64(n), int64(n), ""
		}
		return n, n, ""
	case celenv.Boolean:
		switch x := val.(type) {
		case bool:
			return x, x, ""
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes":
				return true, true, ""
			case "false", "no":
				return false, false, ""
			}
		}
		return nil, nil, "expected true or false"
	case celenv.Enum:
		s, ok := val.(string)
		if !ok {
			return nil, nil, "expected one of the declared values"
		}
		s = strings.TrimSpace(s)
		for _, allowed := range f.Values {
			if s == allowed || strings.EqualFold(s, allowed) {
				return allowed, allowed, ""
			}
		}
		return nil, nil, "not one of the declared values"
	case celenv.Phone:
		s, ok := val.(string)
		if !ok {
			return nil, nil, "expected an " + FormatOf(celenv.Phone).Name + " phone number"
		}
		p := NormalizePhone(s)
		if IsE164(p) {
			return p, p, ""
		}
		if c.def.PhoneRegion == "" || strings.HasPrefix(p, "+") {
			return nil, nil, "not an " + FormatOf(celenv.Phone).Name + " phone number"
		}
		if p, ok = nationalNumbers(s, c.def.PhoneRegion); !ok {
			return nil, nil, "not a phone number of region " + c.def.PhoneRegion
		}
		return p, p, ""
	case celenv.Email:
		s, ok := val.(string)
		if !ok || !isEmail(strings.TrimSpace(s)) {
			return nil, nil, "not an email address"
		}
		s = strings.TrimSpace(s)
		return s, s, ""
	case celenv.Date:
		s, ok := val.(string)
		if !ok {
			return nil, nil, "expected a date (" + FormatOf(celenv.Date).Name + ")"
		}
		s = strings.TrimSpace(s)
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, nil, "expected a date (" + FormatOf(celenv.Date).Name + ")"
		}
		return s, s, ""
	case celenv.DateTime:
		s, ok := val.(string)
		if !ok {
			return nil, nil, "expected an " + FormatOf(celenv.DateTime).Name + " date-time"
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			return nil, nil, "expected an " + FormatOf(celenv.DateTime).Name + " date-time"
		}
		t = t.UTC()
		return t.Format(time.RFC3339Nano), t, ""
	case celenv.ListKind:
		items, ok := val.([]any)
		if !ok {
			return nil, nil, "expected a list"
		}
		if why := f.LengthProblem(items); why != "" {
			return nil, nil, why
		}
		jsonItems := make([]any, 0, len(items))
		celItems := make([]any, 0, len(items))
		for i, item := range items {
			if isEmpty(item) || c.placeholder(f, item) {
				continue
			}
			j, cv, why := c.coerce(f, f.Items, item)
			if why != "" {
				return nil, nil, fmt.Sprintf("item %d: %s", i+1, why)
			}
			jsonItems = append(jsonItems, j)
			celItems = append(celItems, cv)
		}
		return jsonItems, celItems, ""
	}
	return nil, nil, fmt.Sprintf("unknown field type %q", kind)
}

// nationalNumbers converts a national number for phone_region; it is
// set by importing kernel/workflow/phone (see there why it is apart).
var nationalNumbers func(s, region string) (string, bool)

// RegisterNationalNumbers is called by kernel/workflow/phone.
func RegisterNationalNumbers(f func(s, region string) (string, bool)) { nationalNumbers = f }

// NormalizePhone removes the formatting characters people and models put
// into a number that already starts with a plus sign. It never adds a
// country code.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')':
			return -1
		}
		return r
	}, s)
}

// isEmail accepts a bare ASCII address (RFC 5321): a dot-atom local part
// of at most 64 characters and a host name with at least two labels. It is
// as strict as the JSON Schema "email" format, so the handler never
// accepts a value the published schema rejects.
func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 || len(s) > EmailMaxLength {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+/=?^_`{|}~-.", rune(c)) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || len(domain) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func asText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		s := strings.TrimSpace(x)
		if strings.Contains(s, ",") {
			// Commas only as thousands separators: "1,500" is 1500, but
			// "1,5" (a decimal comma) is not 15.
			if !thousands.MatchString(s) {
				return 0, false
			}
			s = strings.ReplaceAll(s, ",", "")
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// thousands is a number written with commas between groups of three
// digits.
var thousands = regexp.MustCompile(`^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)

// maxExactInteger is 2^53: every integer up to it, and none beyond, has
// an exact float64 (and so a JavaScript or JSON Schema reader's) value.
const maxExactInteger = 1 << 53

// asExactInteger reads v as an integer without rounding, when it is
// written as one (a JSON number or a string of digits).
func asExactInteger(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = strings.TrimSpace(x)
	case int64:
		return x, true
	default:
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}
