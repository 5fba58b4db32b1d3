package rules

import (
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.QuestionUnknownField.Rule(),
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
					p.Report(c.Range(), "question %q collects %q, which is not a declared field%s", q.ID.Value, c.Value, p.didYouMean(c.Value, names, "; declare it under fields: or remove it from collects"))
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
