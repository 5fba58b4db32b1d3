package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.VendorSecretShared.Rule(),
		Check: func(p *Pass) {
			def := p.definition()
			for _, t := range p.Spec.Targets.Items {
				auth, ok := workflow.AuthOf(t.Value)
				if !ok || auth.VendorSecret == "" {
					continue
				}
				env, others := sharers(p, def, t.Value)
				if len(others) == 0 {
					continue
				}
				p.Report(vendorSecretAt(p, t.Value, t.Range()), "%s shares $%s with %s, but %s: another platform verifies with it only by holding that key, and two such platforms cannot share one value; give %s its own variable: webhook.platforms.%s.secret: env:%s",
					t.Value, env, strings.Join(others, " and "), auth.VendorSecret, t.Value, t.Value, auth.SecretEnv)
			}
		},
	})
}

// sharers returns the variable holding platform's secret and the other
// targets that read the same variable; none when the secret is not
// env:NAME (secret-literal reports that).
func sharers(p *Pass, def *workflow.Definition, platform string) (env string, others []string) {
	env = def.Platform(platform).SecretEnv
	if e, ok := p.Spec.Webhook.Platforms.Get(platform); env == "" || ok && e.Value.Secret.Set && !strings.HasPrefix(e.Value.Secret.Value, "env:") {
		return env, nil
	}
	for _, o := range def.Platforms {
		if o.Name != platform && o.SecretEnv == env {
			others = append(others, o.Name)
		}
	}
	return env, others
}

// vendorSecretAt is where the finding about platform points: its
// webhook.platforms entry's secret when the spec sets one, else its
// entry under targets.
func vendorSecretAt(p *Pass, platform string, target source.Range) source.Range {
	if e, ok := p.Spec.Webhook.Platforms.Get(platform); ok && e.Value.Secret.Set {
		return e.Value.Secret.Range()
	}
	return target
}
