package rules

import (
	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "required-field-unasked",
		Severity: diag.Error,
		Summary:  "a required field is not collected by any question",
		Doc: `
A required field must be there for the call to complete; when it is
missing, the call is handed to a person as incomplete_call. If no question
asks for it, the assistant never asks, the caller rarely volunteers it, and
almost every call ends incomplete. Add the field to the collects list of
the question that asks for it, or make the field optional.

Bad:

    questions:
      - id: issue
        ask: What needs fixing?
        collects: [issue_type]
    fields:
      issue_type: {type: enum, values: [leak, other], required: true}
      location: {type: text, required: true, max_length: 200}

Good:

    questions:
      - id: issue
        ask: What needs fixing, and where in the unit is it?
        collects: [issue_type, location]
`,
		Check: func(p *Pass) {
			asked := p.collected()
			for _, e := range p.Spec.Fields.Entries {
				if !e.Value.Required.Value || asked[e.Key.Value] {
					continue
				}
				p.Report(e.Key.Range, "field %q is required, but no question collects it, so most calls would end incomplete; add it to the collects list of the question that asks for it, or make it optional", e.Key.Value)
			}
		},
	})
}

// collected is the set of field names some question collects.
func (p *Pass) collected() map[string]bool {
	out := map[string]bool{}
	for _, q := range p.Spec.Questions.Items {
		for _, c := range q.Collects.Items {
			if c.Set {
				out[c.Value] = true
			}
		}
	}
	return out
}
