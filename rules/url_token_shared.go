package rules

import (
	"strings"

	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.URLTokenShared.Rule(),
		Check: func(p *Pass) {
			def := p.definition()
			for _, t := range p.Spec.Targets.Items {
				if def.Platform(t.Value).Auth != workflow.AuthURLToken {
					continue
				}
				env, others := sharers(p, def, t.Value)
				if len(others) == 0 {
					continue
				}
				p.Report(vendorSecretAt(p, t.Value, t.Range()), "%s carries $%s in its webhook URL, and it is the secret of %s too: whoever reads that URL (proxy and access logs, the platform's dashboard) could make their deliveries pass; give %s its own variable: webhook.platforms.%s.secret: env:%s_URL_TOKEN",
					t.Value, env, strings.Join(others, " and "), t.Value, t.Value, strings.ToUpper(t.Value))
			}
		},
	})
}
