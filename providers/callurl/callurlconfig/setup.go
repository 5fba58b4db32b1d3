package callurlconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter: CallURL sends callspec's canonical
// event, signed by Standard Webhooks.
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "CallURL",
		URLField: "the Call App's webhook URL (callurl.json's webhook_url, with its structured output schema)",
		Secret:   "a Standard Webhooks secret, whsec_ followed by base64 (CallURL's signing secret of the Call App)",
	}
}
