package rules

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/scenario"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

// requiredKinds are the scenario kinds every spec must test, in the order
// findings name them.
var requiredKinds = []string{ir.KindRoutine, ir.KindIncomplete, ir.KindSensitive}

func init() {
	register(&Rule{
		Rule: catalog.ScenarioCoverage.Rule(),
		Check: func(p *Pass) {
			tests := p.Spec.Tests
			if !tests.Set || len(tests.Items) == 0 {
				where := tests.KeyOrValue()
				if !where.IsValid() {
					where = p.WholeSpec()
				}
				p.Report(where, "the spec has no test scenarios; add `tests:` with a routine, an incomplete and a sensitive scenario")
				return
			}
			have := map[string]bool{}
			for _, t := range tests.Items {
				have[t.Kind.Value] = true
			}
			for _, k := range requiredKinds {
				if !have[k] {
					p.Report(tests.KeyOrValue(), "tests have no %s scenario; add one (kind: %s) %s", k, k, kindAdvice[k])
				}
			}
			unexercisedRules(p)
		},
	})
}

var kindAdvice = map[string]string{
	ir.KindRoutine:    "in which the call completes with the next action",
	ir.KindIncomplete: "in which required fields are missing and the call hands off as incomplete_call",
	ir.KindSensitive:  "in which a handoff rule routes the call to a person",
}

// unexercisedRules warns about each handoff rule that decides no scenario
// when the scenarios run through the run-time decision (compiler/scenario,
// the code callspec test runs). It says nothing when a rule did not check,
// since then no decision can be trusted.
func unexercisedRules(p *Pass) {
	if p.IR == nil || len(p.IR.Handoff) != len(p.Spec.Handoff.Items) {
		return
	}
	for _, r := range p.IR.Handoff {
		if r.Checked == nil {
			return
		}
	}
	results, err := scenario.Run(p.Unit)
	if err != nil {
		return
	}
	decided := make([]bool, len(p.IR.Handoff))
	for _, res := range results {
		if d := res.Decision; d != nil && d.Step == workflow.StepRule {
			decided[d.Rule] = true
		}
	}
	for i, ok := range decided {
		if ok {
			continue
		}
		r := p.Spec.Handoff.Items[i]
		p.ReportAs(diag.Warning, r.Reason.Where(), "handoff rule %q decides no test scenario; add a scenario (kind: sensitive) in which it is the first rule that is true, so callspec test shows that it fires", r.Reason.Value)
	}
}
