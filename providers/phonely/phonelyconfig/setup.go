package phonelyconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter (docs/PLATFORMS.md §6).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "Phonely",
		URLField: "the agent's post-call action Send Call Data (Agent → Workflows → Send Call Data → Configure), with the full call payload",
		Secret:   "a random value you choose (for example `openssl rand -hex 32`), which is the last segment of the URL; Phonely documents no signing",
		Steps:    []string{"Send a test from the action's Test tab and confirm the 2xx."},
		Unconfirmed: []string{
			"Whether Send Call Data can send a custom header, the custom-body syntax, Phonely's retries and its enum values.",
		},
	}
}
