package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "schema",
		Severity: diag.Error,
		Summary:  "unknown, missing or wrong-typed key, or a value outside its fixed set (with did-you-mean)",
		Doc: `
Every key of a spec is known: a misspelt key would otherwise be ignored and
the workflow would silently lose a setting. Required keys (callspec,
workflow.id/title/goal, fields, webhook.url/secret, a field's type, a
handoff rule's reason and when, a scenario's name/kind/expect) must be there,
and every value must have the type its key expects. Keys with a fixed set
of values take only those: a handoff rule's severity (info, normal,
urgent) and notify channels, a scenario's kind and expected severity, a
call's direction. Ids and field names are lower_snake because they become
file names, JSON keys and Go identifiers.

Bad:

    workflow:
      id: intake
      titel: Intake      # unknown key "titel"; did you mean "title"?

Good:

    workflow:
      id: intake
      title: Intake
`,
	})
}
