package eventschema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/emit/eventschema"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/kernel/workflow"
)

func load(t *testing.T, path string) *ir.Workflow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, fs := spec.Load(path, b)
	if len(fs) > 0 {
		t.Fatalf("load %s: %v", path, fs)
	}
	u, fs := check.Check(s)
	if len(fs) > 0 {
		t.Fatalf("check %s: %v", path, fs)
	}
	return u.IR
}

func TestGolden(t *testing.T) {
	w := load(t, "testdata/all_types.yaml")
	outcome, err := eventschema.Outcome(w)
	if err != nil {
		t.Fatal(err)
	}
	handoff, err := eventschema.Handoff(w)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "all_types.outcome.schema.json"), outcome)
	golden.Check(t, filepath.Join("testdata", "all_types.handoff.schema.json"), handoff)
	again, _ := eventschema.Outcome(w)
	if !bytes.Equal(outcome, again) {
		t.Error("two runs produced different bytes")
	}
}

func compile(t *testing.T, name string, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatalf("the emitted schema does not compile: %v", err)
	}
	return s
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScenarioEventsValidate builds, for every workflow in workflows/, the
// event each scenario produces through the run-time decision code, and
// validates it with an independent validator against the emitted schemas.
// Then it breaks a routine event three ways (wrong enum, missing required
// field, extra field) and expects each to be rejected.
func TestScenarioEventsValidate(t *testing.T) {
	paths, err := filepath.Glob("../../../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	paths = append(paths, "testdata/all_types.yaml")
	for _, p := range paths {
		w := load(t, p)
		t.Run(w.ID, func(t *testing.T) {
			outDoc, _ := eventschema.Outcome(w)
			hoDoc, _ := eventschema.Handoff(w)
			outcome := compile(t, "outcome.json", outDoc)
			handoff := compile(t, "handoff.json", hoDoc)
			c, err := workflow.Compile(w.Definition())
			if err != nil {
				t.Fatal(err)
			}
			var routine map[string]any
			for _, sc := range w.Tests {
				d := c.Decide(sc.Inbound(), "key-"+sc.Name, "verified")
				target := outcome
				if d.Event.Event == "call_app.handoff" {
					target = handoff
				}
				doc := asJSON(t, d.Event)
				if err := target.Validate(doc); err != nil {
					t.Errorf("scenario %q: %s event does not validate: %v", sc.Name, d.Event.Event, err)
				}
				if sc.Kind == ir.KindRoutine && routine == nil {
					routine = doc.(map[string]any)
				}
			}
			if routine == nil {
				if w.ID == "all_types" {
					return
				}
				t.Fatal("no routine scenario")
			}
			var enumField, requiredField string
			for _, f := range w.Fields {
				if f.Type == "enum" && enumField == "" {
					enumField = f.Name
				}
				if f.Required && requiredField == "" {
					requiredField = f.Name
				}
			}
			broken := map[string]func(fields map[string]any){
				"extra field":            func(f map[string]any) { f["not_declared"] = "x" },
				"missing required field": func(f map[string]any) { delete(f, requiredField) },
			}
			if enumField != "" {
				broken["wrong enum value"] = func(f map[string]any) { f[enumField] = "not-a-value" }
			}
			for name, breakIt := range broken {
				doc := deepCopy(t, routine)
				breakIt(doc["fields"].(map[string]any))
				err := outcome.Validate(doc)
				if err == nil {
					t.Errorf("%s: the outcome schema accepted a broken event", name)
				} else if !strings.Contains(err.Error(), "fields") {
					t.Errorf("%s: rejected for another reason: %v", name, err)
				}
			}
		})
	}
}

func deepCopy(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	return asJSON(t, m).(map[string]any)
}
