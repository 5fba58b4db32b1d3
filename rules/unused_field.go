package rules

import (
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.UnusedField.Rule(),
		Check: func(p *Pass) {
			asked := p.collected()
			read := map[string]bool{}
			for _, w := range p.checkedRules() {
				for _, r := range celenv.FieldReads(w.AST) {
					read[r.Name] = true
				}
			}
			// A rule that did not type-check may read anything; do not
			// guess.
			for i := range p.Spec.Handoff.Items {
				if i >= len(p.IR.Handoff) || p.IR.Handoff[i].Checked == nil {
					return
				}
			}
			for _, e := range p.Spec.Fields.Entries {
				name := e.Key.Value
				if e.Value.Required.Value || asked[name] || read[name] {
					continue
				}
				p.Report(e.Key.Range(), "field %q is never asked for (no question collects it) and no handoff rule reads it; add it to a question's collects, use it in a rule, or remove it", name)
			}
		},
	})
}
