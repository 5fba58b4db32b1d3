package retellconfig

import (
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/retell"
)

// Setup implements configs.Emitter (docs/PLATFORMS.md §4 (d)).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Retell AI",
		URLField: "the agent's webhook URL (retell.json sets webhook_url; it replaces the account-level URL of the dashboard for this agent)",
		Secret:   "Retell signs with an API key, not a secret you choose: copy the key that has the webhook badge from the dashboard's API Keys page",
		Select:   []string{retell.WebhookEvent},
		Ignored:  retell.IgnoredEvents,
		Steps: []string{
			"Create the Retell LLM with retell-llm.json (POST /create-retell-llm, or PATCH /update-retell-llm/{llm_id} for an existing one); it carries the disclosure and the prompt.",
			"Update the agent with retell.json (PATCH /update-agent/{agent_id}), with the LLM's id in place of " + LLMIDPlaceholder + ".",
		},
		Unconfirmed: []string{"Retell's retry spacing (it retries a delivery that gets no 2xx within 10 s up to 3 times)."},
	}
}
