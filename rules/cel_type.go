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
timestamp, list is a list). Numbers compare across int and double. CEL has
no date(): a date is a "YYYY-MM-DD" string and compares as one
(fields.day < "2026-02-01"); a datetime compares with
timestamp("2026-01-31T09:00:00Z"). Comparing an enum field with a literal
that is not one of its values can never match, so it is an error with a
did-you-mean, as is a misspelt field name. Every error of an expression is
reported in one run.

Bad:

    when: fields.urgency == "emergancy" || fields.urgnecy == 3 || fields.day < date("2026-02-01")

Good:

    when: fields.urgency == "emergency" || has(fields.day) && fields.day < "2026-02-01"
`,
	})
}
