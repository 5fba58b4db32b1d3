package workflow_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// TestEvaluationCostIsBounded runs a rule that lint would refuse (a nested
// comprehension over a list without max_length) on a delivery with many
// items: the evaluation stops at MaxEvalCost and the rule is undecided
// (the call goes to a person as incomplete_call), instead of holding the
// handler for minutes.
func TestEvaluationCostIsBounded(t *testing.T) {
	d := &workflow.Definition{
		ID:         "costly",
		Fields:     []workflow.Field{{Name: "tags", Type: celenv.ListKind, Items: celenv.Text}},
		NextAction: "file_it",
		Handoff: []workflow.HandoffRule{{Reason: "repeated_tag", CallerMessage: "A person will call you.",
			When: `has(fields.tags) && fields.tags.exists(x, fields.tags.filter(y, y == x).size() > 1)`}},
	}
	c, err := workflow.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	decide := func(n int) (*workflow.Decision, time.Duration) {
		tags := make([]any, n)
		for i := range tags {
			tags[i] = fmt.Sprintf("t%d", i)
		}
		start := time.Now()
		dec := c.Decide(&event.Inbound{Call: event.Call{ID: "c", Status: "completed"}, Fields: map[string]any{"tags": tags}}, "c", event.SignatureVerified)
		return dec, time.Since(start)
	}
	if dec, _ := decide(10); len(dec.Undecided) > 0 || dec.Event.Event != event.Completed {
		t.Fatalf("ten distinct tags: %+v, want a completed call", dec.Event)
	}
	dec, took := decide(20_000) // 400 million comparisons without the limit
	if dec.Step != workflow.StepIncomplete || dec.Event.Handoff == nil || dec.Event.Handoff.Reason != event.IncompleteCall ||
		len(dec.Event.Handoff.UndecidedRules) != 1 || dec.Event.Handoff.UndecidedRules[0] != "repeated_tag" {
		t.Fatalf("20,000 tags: step %d, event %+v; want repeated_tag undecided and incomplete_call", dec.Step, dec.Event.Handoff)
	}
	if took > 5*time.Second {
		t.Errorf("the bounded evaluation took %v", took)
	}
}
