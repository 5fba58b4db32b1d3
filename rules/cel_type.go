package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "cel-type",
		Severity: diag.Error,
		Summary:  "a CEL expression reads an undeclared field, mixes types, or compares an enum with a value it does not have",
		Doc: `
Expressions are type-checked against the declared fields: fields is an object
with exactly the declared fields (text, phone, email, enum and date are
strings, number is double, integer is int, boolean is bool, datetime is a
timestamp, list is a list). Numbers compare across int and double. Comparing
an enum field with a literal that is not one of its values can never match,
so it is an error with a did-you-mean.

Bad:

    when: fields.urgency == "emergancy" || fields.urgnecy == 3

Good:

    when: fields.urgency == "emergency"
`,
	})
}
