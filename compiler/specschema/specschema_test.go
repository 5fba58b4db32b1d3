package specschema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/specschema"
	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/kernel/celenv"
)

var committed = filepath.Join("..", "..", filepath.FromSlash(specschema.Path))

func TestCommittedSchemaIsCurrent(t *testing.T) {
	got, err := specschema.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, committed, got)
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["$id"] != specschema.ID || doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$id %v, $schema %v", doc["$id"], doc["$schema"])
	}
}

func compile(t *testing.T) *sjs.Schema {
	t.Helper()
	b, err := specschema.JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	c.DefaultDraft(sjs.Draft2020)
	if err := c.AddResource(specschema.ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(specschema.ID)
	if err != nil {
		t.Fatalf("the spec schema does not compile: %v", err)
	}
	return s
}

// instance converts YAML to the JSON value an editor's language server
// validates.
func instance(t *testing.T, content []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(content, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestWorkflowsValidate(t *testing.T) {
	s := compile(t)
	paths, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	for _, p := range paths {
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(instance(t, content)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

const minimal = `
callspec: 1
workflow: {id: minimal, title: Minimal, goal: Leave a message}
fields:
  topic: {type: enum, values: [billing, other], required: true}
  notes: {type: list, items: text}
handoff:
  - {reason: billing_review, when: 'fields.topic == "billing"', severity: normal, notify: [email]}
webhook: {url: "https://ops.example.com/hooks/minimal", secret: "env:MINIMAL_SECRET"}
targets: [retell]
tests:
  - {name: ok, kind: routine, fields: {topic: other}, expect: {next_action: file_it}}
  - {name: bill, kind: sensitive, fields: {topic: billing}, expect: {handoff: billing_review, severity: normal}}
`

func TestRejectsBadSpecs(t *testing.T) {
	s := compile(t)
	if err := s.Validate(instance(t, []byte(minimal))); err != nil {
		t.Fatalf("the minimal spec must validate: %v", err)
	}
	tests := []struct {
		name    string
		old     string // replaced in minimal
		new     string
		wantAt  string // instance location in the error; "-" when the validator's location is not worth pinning
		wantMsg string
	}{
		{"unknown key", "title: Minimal", "titel: Minimal", "/workflow", "titel"},
		{"unknown top-level key", "targets: [retell]", "target: [retell]", "", "target"},
		{"wrong type", "required: true}", `required: "yes"}`, "/fields/topic/required", "boolean"},
		{"bad field type", "type: list", "type: lsit", "/fields/notes/type", "must be one of"},
		{"bad severity", "severity: normal, notify", "severity: high, notify", "/handoff/0/severity", "must be one of"},
		{"bad notify channel", "notify: [email]", "notify: [fax]", "/handoff/0/notify/0", "must be one of"},
		{"bad target", "targets: [retell]", "targets: [twilio]", "/targets/0", "must be one of"},
		{"bad scenario kind", "kind: routine", "kind: happy", "/tests/0/kind", "must be one of"},
		{"missing required key", `webhook: {url: "https://ops.example.com/hooks/minimal", secret: "env:MINIMAL_SECRET"}`, "", "", "webhook"},
		{"missing required nested key", "goal: Leave a message", "owner: ops", "/workflow", "goal"},
		{"format version", "callspec: 1", "callspec: 2", "/callspec", "1"},
		{"enum without values", "values: [billing, other], ", "", "/fields/topic", "values"},
		{"list without items", "type: list, items: text", "type: list", "/fields/notes", "items"},
		{"secret literal", "env:MINIMAL_SECRET", "hunter2", "/webhook/secret", "hunter2"},
		{"plain http webhook", "https://ops.example.com", "http://ops.example.com", "/webhook/url", "http://"},
		{"field name not lower_snake", "  notes:", "  Notes:", "-", "Notes"},
		{"expectation with both outcomes", "expect: {next_action: file_it}", "expect: {next_action: file_it, handoff: billing_review}", "/tests/0/expect", ""},
		{"severity without handoff", "expect: {next_action: file_it}", "expect: {next_action: file_it, severity: info}", "/tests/0/expect", "handoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimal, tt.old) {
				t.Fatalf("minimal spec has no %q", tt.old)
			}
			bad := strings.Replace(minimal, tt.old, tt.new, 1)
			err := s.Validate(instance(t, []byte(bad)))
			if err == nil {
				t.Fatalf("accepted:\n%s", bad)
			}
			var ve *sjs.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a validation error: %v", err)
			}
			msg := err.Error()
			if tt.wantAt != "-" && !strings.Contains(msg, "'"+tt.wantAt+"'") && !hasLocation(ve, tt.wantAt) {
				t.Errorf("error is not at %q:\n%v", tt.wantAt, msg)
			}
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error does not mention %q:\n%v", tt.wantMsg, msg)
			}
		})
	}
}

func hasLocation(ve *sjs.ValidationError, at string) bool {
	if "/"+strings.Join(ve.InstanceLocation, "/") == at || (at == "" && len(ve.InstanceLocation) == 0) {
		return true
	}
	for _, c := range ve.Causes {
		if hasLocation(c, at) {
			return true
		}
	}
	return false
}

// TestEnumsMatchCode keeps the `enum:` tags of compiler/spec honest where
// the code holds the same list.
func TestEnumsMatchCode(t *testing.T) {
	enums := specschema.Enums()
	kinds := func(ks []celenv.Kind) []string {
		var out []string
		for _, k := range ks {
			out = append(out, string(k))
		}
		return out
	}
	tests := []struct {
		key  string
		want []string
	}{
		{"Field.type", kinds(celenv.Kinds)},
		{"Field.items", kinds(celenv.ItemKinds)},
		{"Scenario.kind", []string{ir.KindRoutine, ir.KindIncomplete, ir.KindSensitive}},
		{"Expect.severity", enums["HandoffRule.severity"]},
	}
	for _, tt := range tests {
		if got := enums[tt.key]; !slices.Equal(got, tt.want) || len(got) == 0 {
			t.Errorf("%s: enum %v, want %v", tt.key, got, tt.want)
		}
	}
}
