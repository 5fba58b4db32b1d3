package rules

import (
	"strings"

	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.MissingCTA.Rule(),
		Check: func(p *Pass) {
			d := p.Spec.Docs
			cta := d.CTA
			switch {
			case !d.Set:
				p.Report(p.WholeSpec(), "the spec has no docs.cta; add `docs: {cta: {label: ..., url: https://...}}` so the docs page leads to a real Call App")
				return
			case !cta.Set:
				p.Report(d.KeyOrValue(), "docs has no cta; add `cta: {label: ..., url: https://...}` so the docs page leads to a real Call App")
				return
			}
			if cta.Label.Set && strings.TrimSpace(cta.Label.Value) == "" {
				p.Report(cta.Label.Where(), "the CTA label is empty; give the button text, e.g. \"Create this Call App\"")
			}
			if cta.URL.Set {
				if strings.TrimSpace(cta.URL.Value) == "" {
					p.Report(cta.URL.Where(), "the CTA URL is empty; give the https address that creates the Call App")
				} else if problem := httpsURLProblem("the CTA URL", cta.URL.Value); problem != "" {
					p.Report(cta.URL.Range(), "%s; point the call to action at the https page that creates the Call App", problem)
				}
			}
		},
	})
}
