package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "cel-syntax",
		Severity: diag.Error,
		Summary:  "a handoff rule's when or the idempotency key is not valid CEL",
		Doc: `
Handoff conditions and the idempotency key are CEL expressions
(https://cel.dev). The finding points at the offending token in the file,
also inside | and > block scalars.

Bad:

    when: fields.urgency == "emergency" ||

Good:

    when: fields.urgency == "emergency" || fields.issue_type == "electrical"
`,
	})
}
