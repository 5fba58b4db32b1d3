package eventschema

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/invopop/jsonschema"
)

// encode writes s as marshal did through encoding/json: indented by two
// spaces, with a final newline, every string escaped as json.Marshal
// escapes it (HTML characters too: jsonschema.Schema.MarshalJSON and the
// ordered map of properties marshal each nested schema with json.Marshal,
// and encoding/json keeps what a Marshaler returns). It writes the
// document in one pass: through the library, each nested schema was
// marshalled on its own and then compacted again by every level above
// it, and the whole indented at the end, which was a seventh of build's
// CPU. It covers the keywords this package sets; ok is false for a
// schema with any other (then marshal falls back to encoding/json).
// TestEncodeAsLibrary compares the two on every kind of spec.
func encode(s *jsonschema.Schema) (out []byte, ok bool) {
	if !covered(s) {
		return nil, false
	}
	e := encoder{b: make([]byte, 0, 8<<10)}
	e.schema(s, 0)
	e.b = append(e.b, '\n')
	return e.b, e.err == nil
}

// covered is true when s and every schema in it set only the keywords
// encoder writes.
func covered(s *jsonschema.Schema) bool {
	if s == nil {
		return true
	}
	if s.Anchor != "" || s.Ref != "" || s.DynamicRef != "" || s.AllOf != nil || s.AnyOf != nil || s.OneOf != nil ||
		s.Not != nil || s.If != nil || s.Then != nil || s.Else != nil || s.DependentSchemas != nil || s.PrefixItems != nil ||
		s.Contains != nil || s.PatternProperties != nil || s.PropertyNames != nil || s.MultipleOf != "" ||
		s.ExclusiveMaximum != "" || s.ExclusiveMinimum != "" || s.MinItems != nil || s.UniqueItems ||
		s.MaxContains != nil || s.MinContains != nil || s.MaxProperties != nil || s.MinProperties != nil ||
		s.DependentRequired != nil || s.ContentEncoding != "" || s.ContentMediaType != "" || s.ContentSchema != nil ||
		s.Default != nil || s.Deprecated || s.ReadOnly || s.WriteOnly || s.Extras != nil {
		return false
	}
	for _, d := range s.Definitions {
		if !covered(d) {
			return false
		}
	}
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			if !covered(p.Value) {
				return false
			}
		}
	}
	return covered(s.Items) && covered(s.AdditionalProperties)
}

type encoder struct {
	b   []byte
	err error
}

// newline starts a line indented to depth.
func (e *encoder) newline(depth int) {
	e.b = append(e.b, '\n')
	for range depth {
		e.b = append(e.b, ' ', ' ')
	}
}

// members writes the members of an object at depth, one key at a time.
type members struct {
	e     *encoder
	depth int
	n     int
}

func (e *encoder) object(depth int) *members {
	e.b = append(e.b, '{')
	return &members{e: e, depth: depth}
}

func (o *members) key(k string) {
	if o.n > 0 {
		o.e.b = append(o.e.b, ',')
	}
	o.n++
	o.e.newline(o.depth + 1)
	o.e.b = appendString(o.e.b, k)
	o.e.b = append(o.e.b, ':', ' ')
}

func (o *members) end() {
	if o.n > 0 {
		o.e.newline(o.depth)
	}
	o.e.b = append(o.e.b, '}')
}

func (o *members) str(k, v string) {
	if v != "" {
		o.key(k)
		o.e.b = appendString(o.e.b, v)
	}
}

func (o *members) number(k string, v json.Number) {
	if v != "" {
		o.key(k)
		o.e.b = append(o.e.b, v...)
	}
}

func (o *members) uint(k string, v *uint64) {
	if v != nil {
		o.key(k)
		o.e.b = strconv.AppendUint(o.e.b, *v, 10)
	}
}

func (o *members) schema(k string, s *jsonschema.Schema) {
	if s != nil {
		o.key(k)
		o.e.schema(s, o.depth+1)
	}
}

func (o *members) values(k string, vs []any) {
	list(o, k, vs, func(v any) { o.e.value(v, o.depth+2) })
}

func (o *members) strings(k string, vs []string) {
	list(o, k, vs, func(v string) { o.e.b = appendString(o.e.b, v) })
}

// list writes the member k, an array of vs each written by item, unless
// vs is empty (omitempty).
func list[T any](o *members, k string, vs []T, item func(T)) {
	if len(vs) == 0 {
		return
	}
	o.key(k)
	e := o.e
	e.b = append(e.b, '[')
	for i, v := range vs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(o.depth + 2)
		item(v)
	}
	e.newline(o.depth + 1)
	e.b = append(e.b, ']')
}

// schema writes s at depth, its keywords in the order of
// jsonschema.Schema's fields (encoding/json's order).
func (e *encoder) schema(s *jsonschema.Schema, depth int) {
	if s == jsonschema.TrueSchema || s == jsonschema.FalseSchema {
		e.b = strconv.AppendBool(e.b, s == jsonschema.TrueSchema)
		return
	}
	start := len(e.b)
	o := e.object(depth)
	o.str("$schema", s.Version)
	o.str("$id", string(s.ID))
	if len(s.Definitions) > 0 {
		o.key("$defs")
		defs := e.object(depth + 1)
		for _, name := range slices.Sorted(mapKeys(s.Definitions)) {
			defs.schema(name, s.Definitions[name])
		}
		defs.end()
	}
	o.str("$comment", s.Comments)
	o.schema("items", s.Items)
	if s.Properties != nil {
		o.key("properties")
		props := e.object(depth + 1)
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			props.key(p.Key)
			if p.Value == nil {
				e.b = append(e.b, "null"...)
			} else {
				e.schema(p.Value, depth+2)
			}
		}
		props.end()
	}
	o.schema("additionalProperties", s.AdditionalProperties)
	o.str("type", s.Type)
	o.values("enum", s.Enum)
	if s.Const != nil {
		o.key("const")
		e.value(s.Const, depth+1)
	}
	o.number("maximum", s.Maximum)
	o.number("minimum", s.Minimum)
	o.uint("maxLength", s.MaxLength)
	o.uint("minLength", s.MinLength)
	o.str("pattern", s.Pattern)
	o.uint("maxItems", s.MaxItems)
	o.strings("required", s.Required)
	o.str("format", s.Format)
	o.str("title", s.Title)
	o.str("description", s.Description)
	o.values("examples", s.Examples)
	if o.n == 0 && s.Definitions == nil && s.Enum == nil && s.Required == nil && s.Examples == nil {
		// jsonschema.Schema.MarshalJSON writes an empty schema as true.
		e.b = append(e.b[:start], "true"...)
		return
	}
	o.end()
}

func mapKeys(m jsonschema.Definitions) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// value writes a JSON value given as Go (an enum value, a const, an
// example) at depth: a string directly, anything else through
// json.Marshal and json.Indent, as encoding/json's indenting encoder does.
func (e *encoder) value(v any, depth int) {
	if s, ok := v.(string); ok {
		e.b = appendString(e.b, s)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	var ind bytes.Buffer
	prefix := make([]byte, 2*depth)
	for i := range prefix {
		prefix[i] = ' '
	}
	if err := json.Indent(&ind, b, string(prefix), "  "); err != nil {
		e.err = err
		return
	}
	e.b = append(e.b, ind.Bytes()...)
}

const hex = "0123456789abcdef"

// appendString appends s as json.Marshal writes a string: HTML
// characters, control characters, U+2028 and U+2029 escaped, invalid
// UTF-8 as U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
