package rules

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/ir"
)

// requiredKinds are the scenario kinds every spec must test, in the order
// findings name them.
var requiredKinds = []string{ir.KindRoutine, ir.KindIncomplete, ir.KindSensitive}

func init() {
	register(&Rule{
		ID:       "scenario-coverage",
		Severity: diag.Error,
		Summary:  "tests lack a routine, an incomplete or a sensitive scenario",
		Doc: `
callspec test runs each scenario through the same decision code the
handler runs. Three kinds of call happen to every workflow, and each must
be tested: a routine call that completes with the next action, an
incomplete call (the caller hangs up, or a required field is missing) that
hands off as incomplete_call, and a sensitive call that a handoff rule must
route to a person. A workflow without the sensitive scenario has never
shown that its handoff rules fire.

Bad:

    tests:
      - name: routine leak
        kind: routine
        fields: {issue_type: leak, location: kitchen, urgency: routine}
        expect: {next_action: create_work_order}

Good (add):

      - name: caller hung up early
        kind: incomplete
        fields: {issue_type: leak}
        expect: {handoff: incomplete_call}
      - name: sparking outlet
        kind: sensitive
        fields: {issue_type: electrical, location: bedroom, urgency: urgent}
        expect: {handoff: emergency_or_sensitive_request}
`,
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
		},
	})
}

var kindAdvice = map[string]string{
	ir.KindRoutine:    "in which the call completes with the next action",
	ir.KindIncomplete: "in which required fields are missing and the call hands off as incomplete_call",
	ir.KindSensitive:  "in which a handoff rule routes the call to a person",
}
