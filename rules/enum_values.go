package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "enum-values",
		Severity: diag.Error,
		Summary:  "an enum field without values, with empty or repeated values, or values on a non-enum field",
		Doc: `
An enum is only useful when the platform can pick from a fixed list and the
handler can route on it. Each enum needs a non-empty list of distinct values;
values on any other type are a mistake (probably a missing type: enum).

Bad:

    fields:
      urgency: {type: enum, values: [routine, urgent, routine]}

Good:

    fields:
      urgency: {type: enum, values: [routine, urgent, emergency]}
`,
	})
}
