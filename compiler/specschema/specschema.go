// Package specschema builds the JSON Schema (draft 2020-12) of the spec
// format itself, for editors: yaml-language-server reads it through the
// `# yaml-language-server: $schema=…` modeline that `callspec init` writes,
// and offers completion, hover docs and squiggles while the author types.
//
// The schema is reflected from the syntax tree types in compiler/spec with
// github.com/invopop/jsonschema, so it cannot drift from what the loader
// accepts: keys come from the `yaml:` tags (the loader's own list, see
// spec.FieldNames), descriptions from `doc:` tags, enums from `enum:` tags
// or, where the code keeps the list, from the code (field types from
// celenv.Kinds, targets from check.KnownTargets), and required keys from
// the `,required` tag option. Lint stays the authority: the schema only
// catches what an editor can show without running callspec.
package specschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"
	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
)

// ID is the schema's stable $id: where the committed copy is served from.
const ID = "https://raw.githubusercontent.com/callspec/callspec/main/schema/callspec.schema.json"

// Path is where the repository keeps the schema, relative to its root.
const Path = "schema/callspec.schema.json"

// lowerSnake is the shape of ids and field names (check.IsLowerSnake).
const lowerSnake = `^[a-z][a-z0-9_]*$`

// typeDocs describe the object types; fields are described by their own
// `doc:` tags.
var typeDocs = map[string]string{
	"Spec":            "A callspec workflow spec (format version 1): one AI phone workflow, from the opening disclosure to the webhook, the docs page and the caller scenarios.",
	"Workflow":        "Who the workflow is for and the one goal of the caller.",
	"Question":        "One question of the visible question set.",
	"Field":           "One value the call must produce.",
	"HandoffRule":     "When a person takes over: the first rule whose `when` is true decides.",
	"Incomplete":      "The handoffs callspec decides itself: incomplete_call (all keys) and call_failed / no_answer (owner, severity, notify).",
	"Webhook":         "Where the platform posts the call's outcome.",
	"Forward":         "Relay of the canonical event to a downstream receiver.",
	"WebhookPlatform": "How one target platform authenticates its deliveries, where it differs from the defaults (webhook.secret, the platform's default auth).",
	"Docs":            "The public docs page.",
	"CTA":             "A labelled link that creates a real Call App.",
	"Scenario":        "One caller scenario run by callspec test.",
	"Deploy":          "The live platform objects that callspec deploy updates; build side only.",
	"DeployRetell":    "The Retell agent and its Retell LLM.",
	"DeployVapi":      "The Vapi assistant.",
	"CallValues":      "The call metadata of a scenario.",
	"Expect":          "The expected outcome of a scenario: next_action for a completed call, or handoff (with an optional severity).",
}

// codeEnums are enums whose list lives in code; the struct tag, when there
// is one, must agree (a test checks it).
func codeEnums() map[string][]string {
	kinds := func(ks []celenv.Kind) []string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = string(k)
		}
		return out
	}
	return map[string][]string{
		"Field.type":   kinds(celenv.Kinds),
		"Field.items":  kinds(celenv.ItemKinds),
		"Spec.targets": check.KnownTargets,
	}
}

// Enums returns the enum of each key, as "Type.key" → values, from the
// `enum:` tags and the code lists; tests and docs use it.
func Enums() map[string][]string {
	out := map[string][]string{}
	for _, t := range specTypes() {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if e := f.Tag.Get("enum"); e != "" && name != "" {
				out[t.Name()+"."+name] = strings.Split(e, ",")
			}
		}
	}
	for k, v := range codeEnums() {
		out[k] = v
	}
	return out
}

// specTypes lists the object types of the format.
func specTypes() []reflect.Type {
	return []reflect.Type{
		reflect.TypeFor[spec.Spec](), reflect.TypeFor[spec.Workflow](), reflect.TypeFor[spec.Question](),
		reflect.TypeFor[spec.Field](), reflect.TypeFor[spec.HandoffRule](), reflect.TypeFor[spec.Incomplete](), reflect.TypeFor[spec.Webhook](),
		reflect.TypeFor[spec.Forward](), reflect.TypeFor[spec.WebhookPlatform](), reflect.TypeFor[spec.Docs](), reflect.TypeFor[spec.CTA](),
		reflect.TypeFor[spec.Deploy](), reflect.TypeFor[spec.DeployRetell](), reflect.TypeFor[spec.DeployVapi](),
		reflect.TypeFor[spec.Scenario](), reflect.TypeFor[spec.CallValues](), reflect.TypeFor[spec.Expect](),
	}
}

// leaf maps the scalar node types of the syntax tree to their JSON types;
// the position bookkeeping (source.Range, yaml.Node) maps to nothing and
// is dropped with the rest of spec.Meta.
func leaf(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[spec.String]():
		return &jsonschema.Schema{Type: "string"}
	case reflect.TypeFor[spec.Int]():
		return &jsonschema.Schema{Type: "integer"}
	case reflect.TypeFor[spec.Number]():
		return &jsonschema.Schema{Type: "number"}
	case reflect.TypeFor[spec.Bool]():
		return &jsonschema.Schema{Type: "boolean"}
	case reflect.TypeFor[spec.Value](), reflect.TypeFor[source.Range](), reflect.TypeFor[yaml.Node]():
		return &jsonschema.Schema{}
	}
	return nil
}

// Schema reflects the spec format's schema.
func Schema() (*jsonschema.Schema, error) {
	byName := map[string]reflect.Type{}
	for _, t := range specTypes() {
		byName[t.Name()] = t
	}
	r := &jsonschema.Reflector{
		FieldNameTag: "yaml",
		// Required keys come from `,required`, applied below; without this
		// every yaml-tagged key would count as required.
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		Mapper:                     leaf,
		LookupComment: func(t reflect.Type, field string) string {
			if field == "" {
				return typeDocs[t.Name()]
			}
			if f, ok := t.FieldByName(field); ok {
				return f.Tag.Get("doc")
			}
			return ""
		},
	}
	s := r.ReflectFromType(reflect.TypeFor[spec.Spec]())
	s.ID = ID
	s.Version = jsonschema.Version
	s.Title = "callspec workflow spec"
	// The root is Spec itself (ExpandedStruct); fix it up like every
	// definition, then the definitions.
	if err := fixObject(s, reflect.TypeFor[spec.Spec]()); err != nil {
		return nil, err
	}
	for name, def := range s.Definitions {
		t, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("reflection produced a definition %q that is not a spec type; map it in leaf", name)
		}
		if err := fixObject(def, t); err != nil {
			return nil, err
		}
	}
	constraints(s)
	return s, nil
}

// fixObject makes the object schema of t say exactly what the loader
// reads: its keys in declaration order (dropping spec.Meta's bookkeeping),
// the required ones, and the enums.
func fixObject(s *jsonschema.Schema, t reflect.Type) error {
	enums := Enums()
	props := jsonschema.NewProperties()
	s.Required = nil
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		p, ok := s.Properties.Get(name)
		if !ok {
			return fmt.Errorf("reflection of %s has no property %q", t.Name(), name)
		}
		if opts == "required" {
			s.Required = append(s.Required, name)
		}
		if e, ok := enums[t.Name()+"."+name]; ok {
			target := p
			if p.Type == "array" && p.Items != nil {
				target = p.Items
			}
			target.Enum = make([]any, len(e))
			for i, v := range e {
				target.Enum[i] = v
			}
		}
		props.Set(name, p)
	}
	if got, want := len(keys(props)), len(spec.FieldNames(t)); got != want {
		return fmt.Errorf("%s: the schema has %d keys but the loader reads %d", t.Name(), got, want)
	}
	s.Properties = props
	return nil
}

func keys(m *orderedmap.OrderedMap[string, *jsonschema.Schema]) []string {
	var out []string
	for p := m.Oldest(); p != nil; p = p.Next() {
		out = append(out, p.Key)
	}
	return out
}

// constraints adds what tags cannot say: shapes of names and values that
// the loader and checker enforce, so the editor flags them as well.
func constraints(s *jsonschema.Schema) {
	prop := func(obj *jsonschema.Schema, name string) *jsonschema.Schema {
		p, _ := obj.Properties.Get(name)
		return p
	}
	defs := s.Definitions
	pattern := func(p *jsonschema.Schema, re string) {
		if p.Type == "array" {
			p = p.Items
		}
		p.Pattern = re
	}
	one := json.Number("1")

	prop(s, "callspec").Const = 1
	pattern(prop(s, "next_action"), lowerSnake)
	prop(s, "fields").PropertyNames = &jsonschema.Schema{Pattern: lowerSnake}
	prop(s, "fields").MinProperties = uint64p(1)
	pattern(prop(defs["Workflow"], "id"), lowerSnake)
	pattern(prop(defs["Question"], "id"), lowerSnake)
	pattern(prop(defs["Question"], "collects"), lowerSnake)
	pattern(prop(defs["HandoffRule"], "reason"), lowerSnake)

	envSecret := `^env:[A-Za-z_][A-Za-z0-9_]*$`
	https := `^https://`
	for _, def := range []string{"Webhook", "Forward"} {
		pattern(prop(defs[def], "secret"), envSecret)
		pattern(prop(defs[def], "url"), https)
		prop(defs[def], "url").Format = "uri"
	}
	pattern(prop(defs["CTA"], "url"), https)
	prop(defs["CTA"], "url").Format = "uri"
	pattern(prop(defs["Docs"], "related"), `^([a-z][a-z0-9_]*|https://.+)$`)
	pattern(prop(defs["DeployRetell"], "agent_id"), check.PlatformIDPattern)
	pattern(prop(defs["DeployRetell"], "llm_id"), check.PlatformIDPattern)
	pattern(prop(defs["DeployVapi"], "assistant_id"), check.UUIDPattern)
	fa := prop(defs["Forward"], "max_attempts")
	fa.Minimum, fa.Maximum = one, json.Number("100")
	prop(defs["Field"], "max_length").Minimum = one
	prop(defs["CallValues"], "duration_s").Minimum = json.Number("0")

	// Type-dependent keys of a field: an enum lists its values, a list
	// names its item type.
	ifType := func(kind celenv.Kind, required string) *jsonschema.Schema {
		cond := jsonschema.NewProperties()
		cond.Set("type", &jsonschema.Schema{Const: string(kind)})
		return &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: cond, Required: []string{"type"}},
			Then: &jsonschema.Schema{Required: []string{required}},
		}
	}
	defs["Field"].AllOf = []*jsonschema.Schema{ifType(celenv.Enum, "values"), ifType(celenv.ListKind, "items")}

	// A call ends in exactly one outcome.
	exp := defs["Expect"]
	exp.OneOf = []*jsonschema.Schema{{Required: []string{"next_action"}}, {Required: []string{"handoff"}}}
	exp.DependentRequired = map[string][]string{"severity": {"handoff"}}
}

func uint64p(v uint64) *uint64 { return &v }

// JSON returns the schema as indented JSON with a final newline, the form
// committed at Path.
func JSON() ([]byte, error) {
	s, err := Schema()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode the spec schema: %w", err)
	}
	return unescapeHTML(b.Bytes()), nil
}

// unescapeHTML undoes the \u003c, \u003e and \u0026 escapes that
// encoding/json writes inside the schema library's own MarshalJSON, so
// descriptions read as written ("fields.<name>") when a person opens the
// file. Escape pairs are copied whole, so "\\u003c" stays as it is.
func unescapeHTML(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if i+6 <= len(b) {
			switch string(b[i : i+6]) {
			case `\u003c`:
				out = append(out, '<')
				i += 5
				continue
			case `\u003e`:
				out = append(out, '>')
				i += 5
				continue
			case `\u0026`:
				out = append(out, '&')
				i += 5
				continue
			}
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}
