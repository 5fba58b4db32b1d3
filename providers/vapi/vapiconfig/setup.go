package vapiconfig

import (
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/vapi"
)

// Setup implements configs.Emitter (docs/PLATFORMS.md §3 (d)).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Vapi",
		URLField: "the assistant's Server URL (dashboard: Assistant → Server; vapi.json sets server.url); not the phone number's or the organisation's server URL, whose messages expect an answer body",
		Secret:   "a random secret you choose (for example `openssl rand -hex 32`); Vapi signs with it through a webhook credential",
		// vapi.json's serverMessages selects it.
		Select:  []string{vapi.MessageType},
		Ignored: vapi.IgnoredMessages,
		Steps: []string{
			"Create the webhook credential: Dashboard → Integrations → Server Configuration → Add Custom Credential → HMAC, with the secret, algorithm SHA256, signature header x-signature, timestamp header x-timestamp and payload format {timestamp}.{body} (or POST /credential with provider \"webhook\" and that authenticationPlan); note its id.",
			"Attach it: the assistant's server.credentialId is that id (dashboard: Assistant → Server → credential). Without a credential Vapi signs nothing and every delivery is refused with 401.",
		},
		Unconfirmed: []string{
			"The unit of x-timestamp (callspec accepts seconds and milliseconds).",
			"Retries: Vapi retries only with server.backoffPlan set.",
		},
	}
}
