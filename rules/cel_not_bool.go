package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "cel-not-bool",
		Severity: diag.Error,
		Summary:  "a handoff rule's when does not evaluate to a bool",
		Doc: `
A handoff rule fires when its condition is true; an expression of any other
type has no clear meaning and would fail at run time on every call.

Bad:

    when: fields.issue_type

Good:

    when: fields.issue_type == "electrical"
`,
	})
}
