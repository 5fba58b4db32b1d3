package providers

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/internal/registry"
)

// Adapter is the run-time side of one voice platform: what a deployed
// handler needs to take its deliveries. The build-time side (the
// platform's configuration and what it cannot express) is a
// configs.Emitter in providers/<name>/<name>config, so a handler imports
// no compiler package.
type Adapter interface {
	// Name is the platform's lower-case name, as used in targets, routes
	// (/hooks/<workflow>/<name>) and --provider flags.
	Name() string

	// Decode turns one delivery body into the inbound call. A body that is
	// not this platform's post-call payload is a *DecodeError.
	Decode(body []byte, def *workflow.Definition) (*event.Inbound, error)
	// Encode builds a delivery body in the platform's format from an
	// inbound call, for `callspec send` and tests.
	Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error)

	// Verify checks a delivery's signature with secret, in constant time
	// and with a timestamp tolerance where the scheme has a timestamp.
	Verify(secret []byte, h http.Header, body []byte, now time.Time) error
	// Sign returns the headers the platform would send with body.
	Sign(secret []byte, body []byte, now time.Time) (http.Header, error)
	// SignatureScheme describes the scheme in one sentence for docs.
	SignatureScheme() string
}

// AuthSelector is implemented by adapters whose platform can
// authenticate in more than one way (workflow.AuthOf lists the modes).
type AuthSelector interface {
	// WithAuth returns the adapter verifying and signing with mode, one
	// of the platform's modes.
	WithAuth(mode string) Adapter
}

// WithAuth returns a verifying and signing with auth mode mode ("" is the
// platform's default), or an error naming the modes the platform has.
func WithAuth(a Adapter, mode string) (Adapter, error) {
	if mode == "" {
		mode = workflow.DefaultAuth(a.Name())
	}
	if !workflow.HasAuth(a.Name(), mode) {
		modes, _ := workflow.AuthOf(a.Name())
		return nil, fmt.Errorf("%s cannot authenticate with %q; its auth modes are %s", a.Name(), mode, strings.Join(modes.Modes, ", "))
	}
	if s, ok := a.(AuthSelector); ok {
		return s.WithAuth(mode), nil
	}
	return a, nil
}

// URLTokenScheme is implemented by adapters whose deliveries carry the
// secret as a token in the URL path (workflow.AuthURLToken) rather than
// in a header: the handler checks the token (VerifyURLToken) and never
// calls Verify; Sign returns no header.
type URLTokenScheme interface {
	URLToken() bool
}

// UsesURLToken reports whether a's deliveries carry a URL token.
func UsesURLToken(a Adapter) bool {
	s, ok := a.(URLTokenScheme)
	return ok && s.URLToken()
}

// TokenWildcard is the name of the ServeMux path wildcard that holds the
// URL token: a handler of a URL-token platform is mounted at
// "<path>/{token...}" (and at <path> itself, so that a missing token is
// a 401, not a 404).
const TokenWildcard = "token"

// MaskedToken stands for a URL token wherever a route is shown.
const MaskedToken = "{token}"

// VerifyURLToken compares the token of a delivery's URL with secret in
// constant time (independent of the lengths too: both are hashed first).
// The error never contains either.
func VerifyURLToken(secret []byte, token string) error {
	if len(secret) == 0 {
		return fmt.Errorf("%w: no webhook secret is configured, so no delivery can be verified", ErrSignature)
	}
	if token == "" {
		return fmt.Errorf("%w: the URL has no token; the platform's webhook URL must end in /<token>", ErrSignature)
	}
	a, b := sha256.Sum256([]byte(token)), sha256.Sum256(secret)
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return fmt.Errorf("%w: the URL token does not match the platform's secret", ErrSignature)
	}
	return nil
}

// SharedSecretScheme is implemented by providers whose platform signs
// nothing: the delivery carries the shared secret itself in a header.
type SharedSecretScheme interface {
	SharedSecretOnly() bool
}

// SignatureStatus is the signature_status of an event whose delivery
// passed p's Verify (or, for a URL-token platform, VerifyURLToken):
// url_token, shared_secret when the platform only sends the secret in a
// header, verified when it signs the body.
func SignatureStatus(p Adapter) string {
	if UsesURLToken(p) {
		return event.SignatureURLToken
	}
	if s, ok := p.(SharedSecretScheme); ok && s.SharedSecretOnly() {
		return event.SignatureSharedSecret
	}
	return event.SignatureVerified
}

// WorkflowHinter is implemented by providers whose payload can name the
// callspec workflow it belongs to (CallURL's workflow_id, the metadata
// Bland echoes back). callspec decode uses it to pick a workflow when
// --workflow is not given; "" means the payload does not say.
type WorkflowHinter interface {
	WorkflowHint(body []byte) string
}

// DecodeError is a payload the adapter cannot use; the handler answers 400
// with Reason, which never contains values from the payload.
type DecodeError struct {
	Provider string
	Reason   string
}

func (e *DecodeError) Error() string { return e.Provider + ": " + e.Reason }

// IgnoredError is a delivery of an event type the workflow does not
// process (Retell's call_started, Vapi's status-update, a type a platform
// adds later). Platforms send those to the same URL by default and retry
// or alert on anything but a 2xx, so the handler answers 200 once the
// delivery is verified, stores nothing and calls no service. A body that
// names the processed type but is malformed is a *DecodeError, never this.
type IgnoredError struct {
	Provider string
	// Event is the event type the body names, or "" when it is not a
	// short plain name (it comes from the body and is logged).
	Event string
	// Processed is the one event type the workflow decides on.
	Processed string
}

func (e *IgnoredError) Error() string {
	what := "an event type"
	if e.Event != "" {
		what = "the event " + strconv.Quote(e.Event)
	}
	return fmt.Sprintf("%s: %s is not one callspec processes (only %s is): acknowledged and ignored", e.Provider, what, e.Processed)
}

// Ignored returns the IgnoredError of a delivery whose event type is
// event; a type that is not a short plain name is not repeated.
func Ignored(provider, event, processed string) *IgnoredError {
	if len(event) > 64 || strings.IndexFunc(event, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
	}) >= 0 {
		event = ""
	}
	return &IgnoredError{Provider: provider, Event: event, Processed: processed}
}

// MaxJSONDepth bounds how deeply a delivery may nest JSON objects and
// arrays; every adapter refuses a deeper body with a *DecodeError naming
// the limit (max-json-depth). Platforms' post-call payloads nest about six
// levels.
const MaxJSONDepth = 64

// ErrSignature is wrapped by every Verify failure.
var ErrSignature = errors.New("signature verification failed")

var adapters = registry.Registry[Adapter]{What: "provider"}

// Register adds an adapter; each platform package calls it from init.
func Register(a Adapter) { adapters.Register(a) }

// Lookup returns the adapter named name.
func Lookup(name string) (Adapter, error) { return adapters.Lookup(name) }

// Names lists the registered adapters, sorted.
func Names() []string { return adapters.Names() }
