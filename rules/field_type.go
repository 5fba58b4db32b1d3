package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "field-type",
		Severity: diag.Error,
		Summary:  "unknown field type, list without items, or an option that does not fit the type",
		Doc: `
Field types decide the JSON Schema, the platform extractor and the Go type of
the handler. Types are text, number, integer, boolean, enum, phone (E.164),
email, date, datetime and list (with items: <type>). Options must fit the
type: min/max for numbers, max_length for text and lists (number of items),
pattern (RE2) for text, and min must not exceed max. Type names of other
systems get a did-you-mean (bool → boolean, string → text, int → integer).
A field whose type does not check is still declared for CEL (as dyn), so the
rules that read it are not reported as reading an undefined field.

Bad:

    fields:
      income: {type: money, max_length: 10}

Good:

    fields:
      income: {type: number, min: 0}
`,
	})
}
