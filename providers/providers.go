package providers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/runtime/event"
	"github.com/callspec/callspec/runtime/workflow"
)

// Provider is one voice platform.
type Provider interface {
	// Name is the platform's lower-case name, as used in targets, routes
	// (/hooks/<workflow>/<name>) and --provider flags.
	Name() string

	// Config returns the platform configuration for w, written to
	// generated/<id>/providers/<name>.json, or nil when the platform has
	// nothing to configure through an API.
	Config(w *ir.Workflow) ([]byte, error)
	// Losses lists what the platform cannot express of w's fields; lint
	// reports each as target-unsupported.
	Losses(w *ir.Workflow) []Loss

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
func SignatureStatus(p Provider) string {
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

// Loss is one field the platform cannot express as declared, or, with
// Field "", spoken text it cannot take as written (Bland's first_sentence
// length).
type Loss struct {
	Field string
	// What says what is lost, e.g. "integer is sent as number".
	What string
	// Safe is true when callspec handles the loss itself: the handler
	// parses what the platform sends or refuses it (the call goes to a
	// person), so no wrong value reaches the service. lint reports a safe
	// loss as info and any other (a value the platform cannot deliver at
	// all, or one that arrives changed) as a warning.
	Safe bool
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

var (
	mu       sync.RWMutex
	registry = map[string]Provider{}
)

// Register adds a provider; each provider package calls it from init.
func Register(p Provider) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[p.Name()]; dup {
		panic("providers: duplicate provider " + p.Name())
	}
	registry[p.Name()] = p
}

// Lookup returns the provider named name.
func Lookup(name string) (Provider, error) {
	mu.RLock()
	defer mu.RUnlock()
	p, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown provider %q: use one of %s", name, strings.Join(namesLocked(), ", "))
	}
	return p, nil
}

// Names lists the registered providers, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
