package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/kernel/workflow"
)

func init() {
	register(&Rule{
		ID:       "vendor-secret-shared",
		Severity: diag.Error,
		Summary:  "a platform whose signing secret the vendor chooses (Retell, Bland) shares its secret's environment variable with another platform",
		Doc: `
Retell signs its webhooks with the account's API key and Bland with the
signing secret Bland generates; neither can be set to a value callspec
or another platform chose. Two such platforms on one variable cannot
both verify, and any other platform on the same variable would have to
be given the vendor's key: Vapi or Synthflow would then hold your Retell
API key. Give each such platform its own variable under
webhook.platforms (webhook.secret stays the default of the others).

Bad:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
    targets: [retell, vapi]

Good:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
      platforms:
        retell: {secret: env:RETELL_API_KEY}
    targets: [retell, vapi]
`,
		Check: func(p *Pass) {
			def := p.IR.Definition()
			for _, t := range p.Spec.Targets.Items {
				auth, ok := workflow.AuthOf(t.Value)
				if !ok || auth.VendorSecret == "" {
					continue
				}
				env := def.Platform(t.Value).SecretEnv
				if e, ok := p.Spec.Webhook.Platforms.Get(t.Value); env == "" || ok && e.Value.Secret.Set && !strings.HasPrefix(e.Value.Secret.Value, "env:") {
					continue // not env:NAME: secret-literal reports it
				}
				var others []string
				for _, o := range def.Platforms {
					if o.Name != t.Value && o.SecretEnv == env {
						others = append(others, o.Name)
					}
				}
				if len(others) == 0 {
					continue
				}
				p.Report(vendorSecretAt(p, t.Value, t.Range), "%s shares $%s with %s, but %s: another platform verifies with it only by holding that key, and two such platforms cannot share one value; give %s its own variable: webhook.platforms.%s.secret: env:%s",
					t.Value, env, strings.Join(others, " and "), auth.VendorSecret, t.Value, t.Value, auth.SecretEnv)
			}
		},
	})
}

// vendorSecretAt is where the finding about platform points: its
// webhook.platforms entry's secret when the spec sets one, else its
// entry under targets.
func vendorSecretAt(p *Pass, platform string, target source.Range) source.Range {
	if e, ok := p.Spec.Webhook.Platforms.Get(platform); ok && e.Value.Secret.Set {
		return e.Value.Secret.Range
	}
	return target
}
