package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "missing-cta",
		Severity: diag.Warning,
		Summary:  "the docs page has no call to action with a label and an https URL",
		Doc: `
The public docs page exists so that a reader can turn the workflow into a
working Call App. Without a call to action (docs.cta) the page is a dead
end; a CTA without a label renders as an empty button, and one whose URL
is not https sends readers to a sign-up page anyone on the way can change.
Internal workflows that have no public page can turn the rule off in
callspec.yaml or suppress it with a reason.

Bad:

    docs:
      cta: {label: Create this Call App, url: "app.example.com/new"}

Good:

    docs:
      cta:
        label: Create this Call App
        url: https://app.example.com/new?template=maintenance_report_intake
`,
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
					p.Report(cta.URL.Range, "%s; point the call to action at the https page that creates the Call App", problem)
				}
			}
		},
	})
}
