// Package scenario runs the caller scenarios under a spec's `tests:`
// through the run-time decision code the generated handler uses
// (kernel/workflow: Compile, Validate, Decide), so a scenario that passes
// here is a call the deployed handler decides the same way. There is no
// second implementation of the decision to drift from the first.
package scenario

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// Outcome is the part of an event a scenario's expectation is about.
type Outcome struct {
	Event         string `json:"event,omitempty"`
	NextAction    string `json:"next_action,omitempty"`
	HandoffReason string `json:"handoff_reason,omitempty"`
	Severity      string `json:"severity,omitempty"`
	// MissingFields, InvalidFields and UndecidedRules explain a handoff.
	MissingFields  []string `json:"missing_fields,omitempty"`
	InvalidFields  []string `json:"invalid_fields,omitempty"`
	UndecidedRules []string `json:"undecided_rules,omitempty"`
	// Step is the step of the decision order that decided (1 to 4).
	Step int `json:"step,omitempty"`
}

// Result is the outcome of one scenario.
type Result struct {
	Workflow string
	Name     string
	Kind     string
	// Range is where to look: the scenario itself when it passed, the
	// expectation that did not hold when it failed.
	Range  source.Range
	Passed bool
	Got    Outcome
	Want   Outcome
	// Message says what went wrong, in a sentence; empty when passed.
	Message string
	// Decision is the full decision, for callers that show the event.
	Decision *workflow.Decision
}

// Run runs every scenario of u in file order. u must have passed lint;
// an error means its definition does not compile at run time, which lint
// should have refused.
func Run(u *check.Unit) ([]Result, error) {
	c, err := Compile(u.IR)
	if err != nil {
		return nil, fmt.Errorf("workflow %s in %s does not compile for the run time: %w", u.IR.ID, u.IR.Path, err)
	}
	results := make([]Result, 0, len(u.IR.Tests))
	for i := range u.IR.Tests {
		var node *spec.Scenario
		if i < len(u.Spec.Tests.Items) {
			node = &u.Spec.Tests.Items[i]
		}
		results = append(results, runOne(c, u.IR, &u.IR.Tests[i], node))
	}
	return results, nil
}

// Compile compiles w for the run time, from the expressions lint already
// checked when every one of them checked (the same programs, without a
// second parse).
func Compile(w *ir.Workflow) (*workflow.Compiled, error) {
	def := w.Definition()
	if w.Env == nil {
		return workflow.Compile(def)
	}
	rules := make([]*cel.Ast, len(w.Handoff))
	for i, r := range w.Handoff {
		if r.Checked == nil {
			return workflow.Compile(def)
		}
		rules[i] = r.Checked
	}
	return workflow.CompileChecked(def, w.Env, rules, w.Webhook.IdempotencyChecked)
}

// Decide runs one scenario through the decision code and returns the
// decision, with signatureStatus recorded on the event.
func Decide(c *workflow.Compiled, w *ir.Workflow, sc *ir.Scenario, signatureStatus string) *workflow.Decision {
	in := sc.Inbound()
	key, err := c.IdempotencyKey(in)
	if err != nil {
		// A scenario need not name a call id; the key only has to be
		// stable, so derive it from the scenario.
		key = "test:" + w.ID + "/" + sc.Name
	}
	return c.Decide(in, key, signatureStatus)
}

func runOne(c *workflow.Compiled, w *ir.Workflow, sc *ir.Scenario, node *spec.Scenario) Result {
	d := Decide(c, w, sc, event.SignatureUnsigned)
	r := Result{
		Workflow: w.ID,
		Name:     sc.Name,
		Kind:     sc.Kind,
		Got:      outcomeOf(d),
		Want:     Outcome{NextAction: sc.Expect.NextAction, HandoffReason: sc.Expect.Handoff, Severity: sc.Expect.Severity},
		Decision: d,
	}
	switch {
	case sc.Expect.NextAction != "":
		r.Want.Event = event.Completed
	case sc.Expect.Handoff != "":
		r.Want.Event = event.Handoff
	}
	var expect *spec.Expect
	if node != nil {
		expect = &node.Expect
		r.Range = node.Range()
	}
	at := func(m func(*spec.Expect) spec.Meta) {
		if expect == nil {
			return
		}
		if where := m(expect).Where(); where.IsValid() {
			r.Range = where
			return
		}
		if where := expect.KeyOrValue(); where.IsValid() {
			r.Range = where
		}
	}
	got := r.Got
	switch {
	case sc.Expect.NextAction != "" && sc.Expect.Handoff != "":
		at(func(e *spec.Expect) spec.Meta { return e.Handoff.Meta })
		r.Message = "the expectation names both next_action and handoff, but a call ends in exactly one of them; keep the one this scenario should produce"
	case sc.Expect.NextAction == "" && sc.Expect.Handoff == "":
		at(func(e *spec.Expect) spec.Meta { return e.Meta })
		r.Message = "the expectation names neither next_action nor handoff; say which outcome this scenario should produce"
	case sc.Expect.NextAction != "":
		if got.Event != event.Completed || got.NextAction != sc.Expect.NextAction {
			at(func(e *spec.Expect) spec.Meta { return e.NextAction.Meta })
			r.Message = fmt.Sprintf("expected the call to complete with next action %s, but it %s", sc.Expect.NextAction, describe(d, c.Definition()))
		} else if sc.Expect.Severity != "" {
			at(func(e *spec.Expect) spec.Meta { return e.Severity.Meta })
			r.Message = fmt.Sprintf("the expectation sets severity %s, but a completed call has no severity; remove it or expect a handoff", sc.Expect.Severity)
		}
	default:
		switch {
		case got.Event != event.Handoff || got.HandoffReason != sc.Expect.Handoff:
			at(func(e *spec.Expect) spec.Meta { return e.Handoff.Meta })
			r.Message = fmt.Sprintf("expected a handoff with reason %s, but the call %s", sc.Expect.Handoff, describe(d, c.Definition()))
		case sc.Expect.Severity != "" && got.Severity != sc.Expect.Severity:
			at(func(e *spec.Expect) spec.Meta { return e.Severity.Meta })
			r.Message = fmt.Sprintf("expected severity %s, but handoff %s has severity %s", sc.Expect.Severity, got.HandoffReason, got.Severity)
		}
	}
	r.Passed = r.Message == ""
	return r
}

func outcomeOf(d *workflow.Decision) Outcome {
	ev := d.Event
	o := Outcome{Event: ev.Event, NextAction: ev.NextAction, Step: int(d.Step)}
	if h := ev.Handoff; h != nil {
		o.HandoffReason = h.Reason
		o.Severity = h.Severity
		o.MissingFields = h.MissingFields
		o.UndecidedRules = h.UndecidedRules
		for _, p := range h.InvalidFields {
			o.InvalidFields = append(o.InvalidFields, p.Field+" ("+p.Reason+")")
		}
	}
	return o
}

// describe says what the call did, for a failure message: the outcome and
// the step of the decision order that decided it.
func describe(d *workflow.Decision, def *workflow.Definition) string {
	ev := d.Event
	if ev.Event == event.Completed {
		return "completed with next action " + ev.NextAction + ", decided at " + d.Explain(def)
	}
	h := ev.Handoff
	return fmt.Sprintf("was handed off with reason %s, severity %s, decided at %s", h.Reason, h.Severity, d.Explain(def))
}

// Summary counts passed and failed scenarios.
type Summary struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

// Summarize counts rs.
func Summarize(rs []Result) Summary {
	var s Summary
	for _, r := range rs {
		if r.Passed {
			s.Passed++
		} else {
			s.Failed++
		}
	}
	return s
}

// Arrow renders an outcome the way test output shows it:
// "completed create_work_order" or "handoff incomplete_call (normal)".
func (o Outcome) Arrow() string {
	switch o.Event {
	case event.Completed:
		return "completed " + o.NextAction
	case event.Handoff:
		s := "handoff " + o.HandoffReason
		if o.Severity != "" {
			s += " (" + o.Severity + ")"
		}
		if len(o.MissingFields) > 0 {
			s += ", missing " + strings.Join(o.MissingFields, ", ")
		}
		if len(o.InvalidFields) > 0 {
			s += ", invalid " + strings.Join(o.InvalidFields, ", ")
		}
		if len(o.UndecidedRules) > 0 {
			s += ", undecided " + strings.Join(o.UndecidedRules, ", ")
		}
		return s
	}
	return "no outcome"
}
