package deploy

import (
	"fmt"
	"io"
	"strings"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/workflow"
)

// ManualPlan is the list of dashboard steps for a platform that callspec
// cannot configure through an API (docs/PLATFORMS.md, "(d) Dashboard
// steps" of each platform).
type ManualPlan struct {
	Workflow string   `json:"workflow"`
	Platform string   `json:"provider"`
	Steps    []string `json:"steps"`
}

// manualSteps writes the steps of each platform from the workflow's
// platform URL, config file and secret environment variable.
var manualSteps = map[string]func(url, config string, plat workflow.Platform) []string{
	"synthflow": func(url, config string, plat workflow.Platform) []string {
		return []string{
			secretStep(plat),
			"Create one information-extractor action per entry of " + config + " (POST https://api.synthflow.ai/v2/actions), then attach them to the agent (POST https://api.synthflow.ai/v2/actions/attach with the agent's model_id and the returned action ids).",
			"Set the agent's post-call webhook URL (external_webhook_url) to " + url + ".",
		}
	},
	"bland": func(url, config string, plat workflow.Platform) []string {
		return []string{
			"In the Bland Dev Portal, Account Settings > Keys: create the webhook signing secret and put it in the environment variable " + plat.SecretEnv + " of the handler.",
			"Outbound calls: merge the keys of " + config + " into the body of every POST https://api.bland.ai/v1/calls.",
			"Inbound numbers: Inbound Phone Numbers > the number > Advanced > webhook = " + url + ", then Test Webhook (or POST https://api.bland.ai/v1/inbound/{number} with the same webhook).",
		}
	},
	"callcow": func(url, _ string, plat workflow.Platform) []string {
		return []string{
			"In the CallCow dashboard's Integration tab, create a webhook with the URL " + url + ".",
			"Reference that webhook in the custom workflow's metadata.",
			secretStep(plat),
			"Place a browser test call and check that the handler answered 2xx.",
		}
	},
	"phonely": func(url, _ string, plat workflow.Platform) []string {
		return []string{
			"In Phonely, Agent > Workflows tab: add the post-call action Send Call Data.",
			"Configure it with the URL " + url + " and the full call payload (not a custom body).",
			secretStep(plat),
			"Use the Test tab and check that the handler answered 2xx.",
		}
	},
	"callurl": func(url, _ string, plat workflow.Platform) []string {
		return []string{
			"In CallURL, set the call app's webhook endpoint to " + url + ".",
			"Give CallURL the Standard Webhooks secret (whsec_…) that the handler reads from " + plat.SecretEnv + ".",
		}
	},
}

// Manual returns the dashboard steps of platform for w, or false when the
// platform has none (it is deployed through its API, or unknown).
func Manual(w *ir.Workflow, platform string) (*ManualPlan, bool, error) {
	steps, ok := manualSteps[platform]
	if !ok {
		return nil, false, nil
	}
	plat := w.Platform(platform)
	if plat.SecretEnv == "" {
		plat.SecretEnv = "named by webhook.secret"
	}
	// The URL a URL-token platform posts to ends in the token, as in
	// SETUP.md: without it every delivery is refused.
	u, err := workflow.ConfiguredURL(w.Webhook.URL, plat)
	if err != nil {
		return nil, true, err
	}
	config := fmt.Sprintf("generated/%s/providers/%s.json", w.ID, platform)
	return &ManualPlan{Workflow: w.ID, Platform: platform, Steps: steps(u, config, plat)}, true, nil
}

// secretStep says where the secret of a platform without signing comes
// from and how it reaches the handler, in the platform's auth mode.
func secretStep(plat workflow.Platform) string {
	if plat.Auth == workflow.AuthURLToken {
		return "Choose a random secret (for example `openssl rand -hex 32`) and put it in the environment variable " + plat.SecretEnv +
			" of the handler; it is the last segment of the webhook URL below, so replace " + workflow.Placeholder(plat.SecretEnv) + " there with its value."
	}
	return "Choose a random secret (for example `openssl rand -hex 32`) and put it in the environment variable " + plat.SecretEnv +
		" of the handler; the platform (or a proxy in front of the handler) must send it in the X-Callspec-Secret header."
}

// ManualNames lists the platforms with manual steps.
func ManualNames() []string { return sortedKeys(manualSteps) }

// WriteManualText prints the steps, numbered.
func WriteManualText(w io.Writer, m *ManualPlan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s: %s has no API callspec deploys through; set it up by hand:\n", m.Workflow, m.Platform, m.Platform)
	for i, s := range m.Steps {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
