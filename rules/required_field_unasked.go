package rules

import (
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.RequiredFieldUnasked.Rule(),
		Check: func(p *Pass) {
			asked := p.collected()
			for _, e := range p.Spec.Fields.Entries {
				if !e.Value.Required.Value || asked[e.Key.Value] {
					continue
				}
				p.Report(e.Key.Range(), "field %q is required, but no question collects it, so most calls would end incomplete; add it to the collects list of the question that asks for it, or make it optional", e.Key.Value)
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
