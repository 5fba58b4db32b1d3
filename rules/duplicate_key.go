package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "duplicate-key",
		Severity: diag.Error,
		Summary:  "a key appears twice in the same mapping",
		Doc: `
YAML parsers keep only one of two equal keys, and which one differs between
tools, so the platform config and the handler could disagree about the same
spec. The finding points at the second key and names the line of the first.

Bad:

    fields:
      urgency: {type: enum, values: [routine, urgent]}
      urgency: {type: text}

Good:

    fields:
      urgency: {type: enum, values: [routine, urgent]}
      urgency_notes: {type: text}
`,
	})
}
