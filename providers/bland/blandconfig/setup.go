package blandconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter (docs/PLATFORMS.md §2 (d)).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Bland AI",
		URLField: "the webhook of each call (bland.json's webhook, merged into POST /v1/calls) or, for an inbound number, Inbound Phone Numbers → the number → Advanced → Webhook",
		Secret:   "Bland chooses the signing secret: create it in the Dev Portal under Account Settings → Keys (\"Replace Secret\"; it is shown once)",
		Steps: []string{
			"Outbound calls: merge bland.json into the body of each POST /v1/calls.",
			"Inbound numbers: set the number's webhook and press \"Test Webhook\".",
		},
		Unconfirmed: []string{
			"The exact post-call envelope, the webhook_events values and Bland's retries.",
		},
	}
}
