package callcowconfig

import "github.com/callspec/callspec/providers/configs"

// Setup implements configs.Emitter (docs/PLATFORMS.md §5).
func (Emitter) Setup() configs.Setup {
	return configs.Setup{
		Platform: "CallCow",
		URLField: "a webhook created in the dashboard's Integration tab, then set in the CallCow workflow's metadata",
		Secret:   "a random value you choose (for example `openssl rand -hex 32`), which is the last segment of the URL; CallCow documents no signing",
		Steps:    []string{"Place a browser test call and check that it arrives (`callspec events list`)."},
		Unconfirmed: []string{
			"Whether the Integration tab can send a custom header, CallCow's retries and its full call_status list.",
		},
	}
}
