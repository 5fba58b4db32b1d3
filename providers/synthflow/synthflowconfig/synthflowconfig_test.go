package synthflowconfig_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/synthflow/synthflowconfig"
)

var e = synthflowconfig.Emitter{}

func TestConfigGolden(t *testing.T) { providertest.ConfigGolden(t, e) }

func TestLosses(t *testing.T) {
	w := providertest.Get(t, "advising_appointment")
	l := e.Losses(w.IR)
	if len(l) != 1 || l[0].Field != "annual_income" {
		t.Errorf("losses %v, want annual_income only", l)
	}
}

// TestConfigSpeaks: the agent object carries the disclosure as the static
// greeting and the agent prompt.
func TestConfigSpeaks(t *testing.T) {
	type body struct {
		Agent map[string]string `json:"agent"`
	}
	providertest.EachConfig(t, e, func(t *testing.T, w *ir.Workflow, got body) {
		want := map[string]string{"greeting_message": w.Disclosure, "greeting_message_mode": "agent_static", "prompt": configtext.Prompt(w)}
		if !maps.Equal(got.Agent, want) {
			t.Errorf("agent %v, want %v", got.Agent, want)
		}
	})
}

// TestConfigActionShape: every action is a create-action body as
// Synthflow's actions API defines it (docs/PLATFORMS.md):
// {"INFORMATION_EXTRACTOR": {<kind>: {identifier, description, choices |
// examples}}}, with no type, name or condition key, and the question in
// the description.
func TestConfigActionShape(t *testing.T) {
	allowed := map[string][]string{
		"YES_NO":        {"identifier", "description"},
		"SINGLE_CHOICE": {"identifier", "description", "choices"},
		"OPEN_QUESTION": {"identifier", "description", "examples"},
	}
	type body struct {
		Actions []map[string]map[string]map[string]any `json:"actions"`
	}
	providertest.EachConfig(t, e, func(t *testing.T, w *ir.Workflow, body body) {
		if len(body.Actions) != len(w.Fields) {
			t.Fatalf("%d actions for %d fields", len(body.Actions), len(w.Fields))
		}
		for i, a := range body.Actions {
			inner, ok := a["INFORMATION_EXTRACTOR"]
			if len(a) != 1 || !ok || len(inner) != 1 {
				t.Fatalf("action %d is not one INFORMATION_EXTRACTOR of one kind: %v", i, a)
			}
			for kind, x := range inner {
				keys, ok := allowed[kind]
				if !ok {
					t.Fatalf("action %d: unknown extractor kind %q", i, kind)
				}
				for k := range x {
					if !slices.Contains(keys, k) {
						t.Errorf("action %d (%s): key %q is not part of the request", i, kind, k)
					}
				}
				f := w.Fields[i]
				if x["identifier"] != f.Name {
					t.Errorf("action %d: identifier %v, want %s", i, x["identifier"], f.Name)
				}
				if q := configtext.Question(w, f.Name); q != "" && !strings.HasPrefix(x["description"].(string), q) {
					t.Errorf("action %d: description %q does not start with the question %q", i, x["description"], q)
				}
			}
		}
	})
}
