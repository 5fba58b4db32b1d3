package workflow

import "slices"

// Auth modes: how a platform's deliveries prove that they come from it
// (webhook.platforms.<P>.auth). Which modes a platform offers is decided
// here, once, for the front end (an unknown mode is a positioned error),
// the generated Definition and the run-time adapters.
const (
	// AuthSignature: the platform signs every delivery its own way
	// (Retell's x-retell-signature, Bland's X-Webhook-Signature, Standard
	// Webhooks for CallURL).
	AuthSignature = "signature"
	// AuthHMAC: a Vapi HMAC webhook credential (x-signature over
	// "{timestamp}.{body}").
	AuthHMAC = "hmac"
	// AuthBearer: a Vapi bearer credential, Authorization: Bearer <secret>.
	AuthBearer = "bearer"
	// AuthHeader: the secret itself in a header the platform is told to
	// send: X-Vapi-Secret for Vapi (a bearer credential with that header
	// name and no prefix), X-Callspec-Secret for a platform whose webhook
	// takes custom headers (opt-in: Synthflow, CallCow and Phonely
	// document none).
	AuthHeader = "header"
	// AuthURLToken: the secret is a token in the URL path,
	// <webhook.url>/<P>/<token>, for platforms that sign nothing and send
	// no custom header.
	AuthURLToken = "url_token"
)

// PreviousSecretSuffix names the environment variable of the secret being
// rotated out: while NAME_PREVIOUS is set, a delivery authenticated with
// it is accepted as well as one with NAME. Set it to the old value,
// change NAME and the platform to the new one, and unset it once the
// platform sends only the new one; no spec change is needed.
const PreviousSecretSuffix = "_PREVIOUS"

// PlatformAuth is what callspec knows of one platform's authentication.
type PlatformAuth struct {
	// Modes are the auth modes the platform can produce; the first is the
	// default.
	Modes []string
	// VendorSecret, when not "", says who chooses the platform's signing
	// secret: callspec cannot pick it, so it cannot be shared with
	// another platform.
	VendorSecret string
	// SecretEnv is the environment variable name suggested for a
	// vendor-chosen secret.
	SecretEnv string
}

var platformAuth = map[string]PlatformAuth{
	"bland":     {Modes: []string{AuthSignature}, VendorSecret: "Bland signs with the webhook signing secret that Bland generates for the account", SecretEnv: "BLAND_WEBHOOK_SECRET"},
	"callcow":   {Modes: []string{AuthURLToken, AuthHeader}},
	"callurl":   {Modes: []string{AuthSignature}},
	"phonely":   {Modes: []string{AuthURLToken, AuthHeader}},
	"retell":    {Modes: []string{AuthSignature}, VendorSecret: "Retell signs with the account's API key", SecretEnv: "RETELL_API_KEY"},
	"synthflow": {Modes: []string{AuthURLToken, AuthHeader}},
	"vapi":      {Modes: []string{AuthHMAC, AuthBearer, AuthHeader}},
}

// AuthOf returns what callspec knows of the named platform's
// authentication, and false for a platform it does not know.
func AuthOf(platform string) (PlatformAuth, bool) {
	a, ok := platformAuth[platform]
	return a, ok
}

// DefaultAuth is the auth mode of platform when the spec names none; ""
// for a platform callspec does not know.
func DefaultAuth(platform string) string {
	if a, ok := platformAuth[platform]; ok {
		return a.Modes[0]
	}
	return ""
}

// HasAuth reports whether platform can produce auth mode mode.
func HasAuth(platform, mode string) bool {
	a, ok := platformAuth[platform]
	return ok && slices.Contains(a.Modes, mode)
}

// Platform is how one target platform authenticates its deliveries to
// the handler (webhook.platforms.<P>).
type Platform struct {
	Name string
	// SecretEnv names the environment variable of the platform's secret
	// (webhook.platforms.<P>.secret, default webhook.secret).
	SecretEnv string
	// Auth is the auth mode (default DefaultAuth(Name)).
	Auth string
}

// Platform returns how platform name authenticates: its entry in
// Platforms, else the spec's webhook.secret and the platform's default
// mode.
func (d *Definition) Platform(name string) Platform {
	for _, p := range d.Platforms {
		if p.Name == name {
			if p.SecretEnv == "" {
				p.SecretEnv = d.SecretEnv
			}
			if p.Auth == "" {
				p.Auth = DefaultAuth(name)
			}
			return p
		}
	}
	return Platform{Name: name, SecretEnv: d.SecretEnv, Auth: DefaultAuth(name)}
}
