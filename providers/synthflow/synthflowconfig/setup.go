package synthflowconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter (docs/PLATFORMS.md §1 (d)).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Synthflow",
		URLField: "the agent's post-call webhook (external_webhook_url; synthflow.json sets it)",
		Secret:   "the value callspec checks (see below); Synthflow's own webhook secret is generated under Settings → Security → Webhooks",
		Steps: []string{
			"Create the information-extractor actions of synthflow.json and attach them to the agent.",
			"If a reverse proxy sits in front of the handler, let headers with underscores through (nginx: underscores_in_headers on).",
		},
		Unconfirmed: []string{
			"The extractor shapes of synthflow.json, the name of Synthflow's signature header on the wire, and its retries.",
		},
	}
}
