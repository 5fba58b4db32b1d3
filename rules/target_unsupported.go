package rules

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/providers/configs"
	_ "github.com/callspec/callspec/providers/configs/allconfigs" // registers every platform's emitter
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.TargetUnsupported.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil {
				return
			}
			for _, t := range p.Spec.Targets.Items {
				if !t.Set {
					continue
				}
				prov, err := configs.Lookup(t.Value)
				if err != nil {
					continue // an unknown target is a schema finding
				}
				for _, l := range prov.Losses(p.IR) {
					if l.Field == "" {
						// Spoken text, not a field: the message says what.
						p.Report(t.Range(), "target %s cannot take the spec as written: %s", t.Value, l.What)
						continue
					}
					if l.Safe {
						// The handler parses or refuses the value: worth
						// knowing, not a defect of the spec.
						p.ReportAs(diag.Info, t.Range(), "target %s cannot express field %q as declared: %s", t.Value, l.Field, l.What)
						continue
					}
					p.Report(t.Range(), "target %s cannot express field %q as declared: %s", t.Value, l.Field, l.What)
				}
			}
		},
	})
}
