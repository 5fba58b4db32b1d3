package rules

import (
	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "question-unknown-field",
		Severity: diag.Error,
		Summary:  "a question collects a field that is not declared under fields",
		Doc: `
Each question says which fields its answer fills (collects). The platform's
extractor is configured from the declared fields only, so a name that is
not declared is collected by nobody: the answer is heard and lost. Usually
it is a typo or a field that was renamed.

Bad:

    questions:
      - id: callback
        ask: Which number should we call you back on?
        collects: [callback_number]
    fields:
      callback_phone: {type: phone}

Good:

    questions:
      - id: callback
        ask: Which number should we call you back on?
        collects: [callback_phone]
`,
		Check: func(p *Pass) {
			names := p.fieldNames()
			for _, q := range p.Spec.Questions.Items {
				for _, c := range q.Collects.Items {
					if !c.Set {
						continue
					}
					if _, ok := p.Spec.Fields.Get(c.Value); ok {
						continue
					}
					p.Report(c.Range, "question %q collects %q, which is not a declared field%s", q.ID.Value, c.Value, p.didYouMean(c.Value, names, "; declare it under fields: or remove it from collects"))
				}
			}
		},
	})
}

// fieldNames lists the declared field names in file order.
func (p *Pass) fieldNames() []string {
	out := make([]string, 0, len(p.Spec.Fields.Entries))
	for _, e := range p.Spec.Fields.Entries {
		out = append(out, e.Key.Value)
	}
	return out
}
