package providers

import (
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

// SharedSecretScheme is implemented by providers whose platform signs
// nothing: the delivery carries the shared secret itself in a header.
type SharedSecretScheme interface {
	SharedSecretOnly() bool
}

// SignatureStatus is the signature_status of an event whose delivery
// passed p's Verify: shared_secret when the platform only sends the
// secret, verified when it signs the body.
func SignatureStatus(p Adapter) string {
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
