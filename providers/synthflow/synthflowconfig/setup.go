package synthflowconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter (docs/PLATFORMS.md §1 (d)).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Synthflow",
		URLField: "the agent's post-call webhook (external_webhook_url; synthflow.json sets it)",
		Secret:   "a random value you choose (for example `openssl rand -hex 32`), which is the last segment of the URL; Synthflow's own webhook signature is not checked (docs/PLATFORMS.md)",
		Steps: []string{
			"Create the information-extractor actions of synthflow.json and attach them to the agent.",
		},
		Unconfirmed: []string{
			"The extractor shapes of synthflow.json and Synthflow's retries.",
		},
	}
}
