package scenario_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/scenario"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/event"
)

// load reads and checks one spec; structural errors fail the test, since
// scenarios only run on specs that lint.
func load(t *testing.T, path string) *check.Unit {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, findings := spec.Load(path, content)
	if s == nil {
		t.Fatalf("%s does not parse: %v", path, findings)
	}
	u, more := check.Check(s)
	for _, f := range append(findings, more...) {
		if f.Severity >= diag.Error {
			t.Fatalf("%s:%d:%d: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Message, f.Rule)
		}
	}
	return u
}

func TestWorkflowsPass(t *testing.T) {
	paths, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	for _, p := range paths {
		u := load(t, p)
		rs, err := scenario.Run(u)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, r := range rs {
			kinds[r.Kind] = true
			if !r.Passed {
				t.Errorf("%s:%d: %s/%s: %s", r.Range.File, r.Range.Start.Line, r.Workflow, r.Name, r.Message)
			}
		}
		for _, k := range []string{"routine", "incomplete", "sensitive"} {
			if !kinds[k] {
				t.Errorf("%s has no %s scenario", p, k)
			}
		}
	}
}

func TestWrongExpectationFailsAtTheExpectation(t *testing.T) {
	u := load(t, "testdata/wrong_expectation.yaml")
	rs, err := scenario.Run(u)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name    string
		passed  bool
		at      string // line:col
		message string // substring
	}
	wants := []want{
		{"routine leak", true, "54:5", ""},
		{"sparking outlet with the wrong severity", false, "63:65", "expected severity normal, but handoff emergency_or_sensitive_request has severity urgent"},
		{"flood expected to complete", false, "68:27", "was handed off with reason emergency_or_sensitive_request, severity urgent, decided at step 2 of the decision order: handoff rule 1 (emergency_or_sensitive_request, `fields.urgency == \"emergency\" || fields.issue_type == \"electrical\"`) is true"},
		{"hung up early expected to complete", false, "74:16", "was handed off with reason incomplete_call, severity normal, decided at step 3 of the decision order: no handoff rule is true, and required fields location, urgency are missing; rule 1 (emergency_or_sensitive_request) could not be decided because it reads a value the call did not produce"},
	}
	if len(rs) != len(wants) {
		t.Fatalf("got %d results, want %d", len(rs), len(wants))
	}
	for i, w := range wants {
		r := rs[i]
		at := fmt.Sprintf("%d:%d", r.Range.Start.Line, r.Range.Start.Col)
		if r.Name != w.name || r.Passed != w.passed || at != w.at || !strings.Contains(r.Message, w.message) {
			t.Errorf("scenario %d: got %q passed=%v at %s: %q\nwant %q passed=%v at %s: …%q…", i, r.Name, r.Passed, at, r.Message, w.name, w.passed, w.at, w.message)
		}
		if r.Range.File != "testdata/wrong_expectation.yaml" {
			t.Errorf("scenario %d: file %q", i, r.Range.File)
		}
	}
	if s := scenario.Summarize(rs); s.Passed != 1 || s.Failed != 3 {
		t.Errorf("summary %+v, want 1 passed and 3 failed", s)
	}
}

// TestIdempotencyKey pins that the idempotency key comes from the
// workflow's own expression when the scenario names a call id, and from the
// scenario otherwise.
func TestIdempotencyKey(t *testing.T) {
	u := load(t, "testdata/wrong_expectation.yaml")
	rs, err := scenario.Run(u)
	if err != nil {
		t.Fatal(err)
	}
	if got := rs[0].Decision.Event.IdempotencyKey; got != "call_leak" {
		t.Errorf("key of a scenario with a call id = %q, want call_leak", got)
	}
	if got := rs[3].Decision.Event.IdempotencyKey; got != "test:wrong_expectation/hung up early expected to complete" {
		t.Errorf("key of a scenario without a call id = %q", got)
	}
	if got := rs[0].Decision.Event.SignatureStatus; got != event.SignatureUnsigned {
		t.Errorf("signature status = %q, want unsigned", got)
	}
}

// TestMismatchNamesTheStep: a scenario whose expectation does not hold is
// explained by the step of the decision order that decided it.
func TestMismatchNamesTheStep(t *testing.T) {
	u := load(t, "testdata/decision_order.yaml")
	rs, err := scenario.Run(u)
	if err != nil {
		t.Fatal(err)
	}
	wants := []struct {
		step    int
		message string
	}{
		{1, "expected the call to complete with next action create_work_order, but it was handed off with reason call_failed, severity normal, decided at step 1 of the decision order: the platform says the call did not take place (call.status is failed), so no rule was evaluated"},
		{1, "expected a handoff with reason incomplete_call, but the call was handed off with reason no_answer, severity normal, decided at step 1 of the decision order: the platform says the call did not take place (call.status is voicemail), so no rule was evaluated"},
		{2, "expected a handoff with reason incomplete_call, but the call was handed off with reason emergency_or_sensitive_request, severity urgent, decided at step 2 of the decision order: handoff rule 1 (emergency_or_sensitive_request, `fields.urgency == \"emergency\" || fields.issue_type == \"electrical\"`) is true; it decides although required fields location, urgency are missing"},
		{3, "expected the call to complete with next action create_work_order, but it was handed off with reason incomplete_call, severity normal, decided at step 3 of the decision order: no handoff rule is true, and rule 2 (large_unit) could not be decided because it reads a value the call did not produce"},
		{4, "expected a handoff with reason large_unit, but the call completed with next action create_work_order, decided at step 4 of the decision order: no handoff rule is true and every required field is present and valid"},
	}
	if len(rs) != len(wants) {
		t.Fatalf("%d results, want %d", len(rs), len(wants))
	}
	for i, w := range wants {
		if rs[i].Passed || rs[i].Got.Step != w.step || rs[i].Message != w.message {
			t.Errorf("scenario %q: passed=%v step %d\n got %s\nwant %s", rs[i].Name, rs[i].Passed, rs[i].Got.Step, rs[i].Message, w.message)
		}
	}
	// The national number was normalised with phone_region: US.
	if got := rs[4].Decision.Event.Fields["callback_phone"]; got != "+14155550132" {
		t.Errorf("callback_phone = %v, want +14155550132", got)
	}
}
