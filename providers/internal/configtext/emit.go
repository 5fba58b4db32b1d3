// Package configtext holds what the providers' config emitters share: stable
// JSON output, an ordered JSON object, and the text that tells a
// platform's extractor what a field means (description, format and
// constraints), so every platform is told the same thing in its own shape.
package configtext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/internal/payload"
)

// JSON encodes v indented by two spaces, without HTML escaping, with a
// final newline. Struct fields keep their order and maps are sorted, so
// the output is deterministic.
func JSON(v any) ([]byte, error) { return payload.MarshalIndent(v) }

// Ordered is a JSON object that keeps insertion order, for objects keyed
// by field name where the spec's order is the natural one.
type Ordered struct {
	keys   []string
	values map[string]any
}

// Set adds or replaces a key.
func (o *Ordered) Set(k string, v any) {
	if o.values == nil {
		o.values = map[string]any{}
	}
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

// MarshalJSON writes the keys in insertion order.
func (o *Ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := Compact(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := Compact(o.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Compact encodes v on one line without HTML escaping, so prompts keep
// their < > & (the ordered objects' keys and values, deploy's requests and
// plans).
func Compact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Question returns the ask of the first question that collects field, or
// "".
func Question(w *ir.Workflow, field string) string {
	for _, q := range w.Questions {
		for _, c := range q.Collects {
			if c == field {
				return q.Ask
			}
		}
	}
	return ""
}

// Description is what a platform's extractor is told about f: the spec's
// description (or the question that collects it, or its name), then the
// expected format and constraints in words. The handler enforces all of
// them; saying them helps the model get them right.
func Description(w *ir.Workflow, f *ir.Field) string {
	var parts []string
	switch {
	case f.Description != "":
		parts = append(parts, Sentence(f.Description))
	case Question(w, f.Name) != "":
		parts = append(parts, Sentence("The answer to: "+Question(w, f.Name)))
	default:
		parts = append(parts, Sentence("The caller's "+payload.Human(f.Name)))
	}
	if h := FormatHint(f); h != "" {
		parts = append(parts, h)
	}
	parts = append(parts, Constraints(f)...)
	return strings.Join(parts, " ")
}

// Details are what a field is, without the question that collects it: the
// spec's description, the expected format and the constraints, each as a
// sentence.
func Details(f *ir.Field) []string {
	var parts []string
	if f.Description != "" {
		parts = append(parts, Sentence(strings.Join(strings.Fields(f.Description), " ")))
	}
	if h := FormatHint(f); h != "" {
		parts = append(parts, h)
	}
	return append(parts, Constraints(f)...)
}

// Sentence ends s with a full stop unless it ends with punctuation.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '?', '!':
		return s
	}
	return s + "."
}

// FormatHint states the value format of f's type in words, or "".
func FormatHint(f *ir.Field) string {
	if f.Type == celenv.ListKind {
		item := kindHint(f.Items, f.Values)
		if item == "" {
			return "A list of values."
		}
		return "A list; each item: " + strings.TrimSuffix(item, ".") + "."
	}
	return kindHint(f.Type, f.Values)
}

func kindHint(k celenv.Kind, values []string) string {
	format := workflow.FormatOf(k)
	switch k {
	case celenv.Integer:
		return "A whole number."
	case celenv.Number:
		return "A number, digits only (no words or currency signs)."
	case celenv.Boolean:
		return "Answer true or false."
	case celenv.Enum:
		return "One of: " + strings.Join(values, ", ") + "."
	case celenv.Phone:
		return "A phone number in " + format.Name + " format, e.g. " + format.Example + "."
	case celenv.Email:
		return "An email address, e.g. " + format.Example + "."
	case celenv.Date:
		return "A date as " + format.Name + ", e.g. " + format.Example + "."
	case celenv.DateTime:
		return "A date and time in " + format.Name + " with a time zone, e.g. " + format.Example + "."
	}
	return ""
}

// Constraints states min, max, max_length and pattern in words. On a
// list, max_length counts the items and the others bound each item
// (workflow.Field.Elem), so they are said of each item.
func Constraints(f *ir.Field) []string {
	var out []string
	if limit := f.LengthWords(); limit != "" {
		out = append(out, upperFirst(limit)+".")
	}
	values := valueLimits(f)
	if f.Type == celenv.ListKind && len(values) > 0 {
		return append(out, "Each item: "+strings.Join(values, ", ")+".")
	}
	for _, v := range values {
		out = append(out, upperFirst(v)+".")
	}
	return out
}

// valueLimits are min, max and pattern in words, which bound each value.
func valueLimits(f *ir.Field) []string {
	var out []string
	switch {
	case f.Min != nil && f.Max != nil:
		out = append(out, fmt.Sprintf("between %s and %s", num(*f.Min), num(*f.Max)))
	case f.Min != nil:
		out = append(out, "at least "+num(*f.Min))
	case f.Max != nil:
		out = append(out, "at most "+num(*f.Max))
	}
	if f.Pattern != "" {
		out = append(out, "must match the regular expression "+f.Pattern)
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Examples returns f's examples as text, or a format example for types
// whose format matters (phone, email, date, datetime) when the spec gives
// none.
func Examples(f *ir.Field) []string {
	out := []string{}
	for _, e := range f.Examples {
		switch x := e.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, num(x))
		case int64:
			out = append(out, strconv.FormatInt(x, 10))
		case int:
			out = append(out, strconv.Itoa(x))
		case bool:
			out = append(out, strconv.FormatBool(x))
		case nil:
		default:
			if b, err := json.Marshal(x); err == nil {
				out = append(out, string(b))
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if ex := workflow.FormatOf(f.Type).Example; ex != "" {
		return []string{ex}
	}
	return out
}

// WebhookURL is the URL platform provider posts w's deliveries to: the
// spec's webhook.url followed by "/" and the platform's name, decided by
// workflow.PlatformURL, where the generated Mount and `callspec serve`
// answer for that platform; for a platform whose secret is a URL token,
// followed by the token's placeholder (workflow.ConfiguredURL).
func WebhookURL(w *ir.Workflow, provider string) (string, error) {
	return workflow.ConfiguredURL(w.Webhook.URL, w.Platform(provider))
}
