// Package workflow is a workflow at run time: its definition (what the
// generated handler embeds), what each field option means (Field's
// methods, which the build side asks too), validation of extracted fields
// against it, and the decision that turns one call into exactly one event. The handler,
// callspec test and the scenario-invalid rule all use this one
// implementation.
package workflow

import (
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
)

// Definition is everything the run time needs to know about a workflow.
type Definition struct {
	ID         string
	Owner      string
	Fields     []Field
	NextAction string
	Handoff    []HandoffRule
	// SecretEnv names the environment variable that holds the platform's
	// signing secret (the spec's webhook.secret: env:NAME).
	SecretEnv string
	// Platforms says, per target platform, which secret verifies its
	// deliveries and how (Platform); a platform not listed uses
	// SecretEnv and its default auth mode.
	Platforms []Platform
	// IdempotencyKey is a CEL expression over call and workflow.
	IdempotencyKey string
	// Log is the allow-list of values the handler may log.
	Log     []string
	Forward *Forward
	// Language is the base BCP 47 tag of the spoken language (en, es,
	// …; "" is DefaultLanguage): placeholders and built-in messages.
	Language string
	// PhoneRegion is the ISO 3166-1 region (US, GB, …) of phone numbers
	// the platform gives in national format; "" drops them, never guesses.
	PhoneRegion string
	// Incomplete configures the handoffs callspec decides itself
	// (incomplete_call, and the owner and notify of call_failed and
	// no_answer); nil takes the defaults.
	Incomplete *Incomplete
}

// Incomplete is the spec's incomplete: block. Empty members take the
// defaults: the workflow owner, DefaultSeverity, no notification and the
// language's built-in message.
type Incomplete struct {
	Severity      string
	Owner         string
	Notify        []string
	CallerMessage string
}

// Field is one declared field.
type Field struct {
	Name     string
	Type     celenv.Kind
	Items    celenv.Kind
	Values   []string
	Required bool
	PII      bool
	Min      *float64
	Max      *float64
	// MaxLength bounds the length of a text in code points, or the
	// number of items of a list (not each item's length); 0 is
	// unbounded. LengthLimit says which.
	MaxLength int64
	Pattern   string
}

// HandoffRule sends a call to a person when When is true.
type HandoffRule struct {
	Reason        string
	When          string
	Severity      string
	Owner         string
	Notify        []string
	CallerMessage string
}

// Forward relays events downstream.
type Forward struct {
	URL         string
	SecretEnv   string
	MaxAttempts int
}

// Default values.
const (
	DefaultSeverity       = "normal"
	DefaultIdempotencyKey = "call.id"
	DefaultMaxAttempts    = 8
)

// BuiltinHandoff is the handoff block of a reason callspec decides itself
// (event.BuiltinReasons), without the lists of what the call lacked: the
// spec's incomplete: settings (defaults: the workflow owner,
// DefaultSeverity, nobody notified) and the built-in caller message of
// the spec's language. incomplete.caller_message replaces the message of
// incomplete_call only: the caller of a failed or unanswered call heard
// none. The docs page shows the same values.
func (d *Definition) BuiltinHandoff(reason string) *event.HandoffInfo {
	lang := language(d.Language)
	h := &event.HandoffInfo{Reason: reason, Severity: DefaultSeverity, Owner: d.Owner, Notify: []string{}}
	if in := d.Incomplete; in != nil {
		h.Severity = orDefault(in.Severity, DefaultSeverity)
		h.Owner = orDefault(in.Owner, d.Owner)
		h.Notify = nonNil(in.Notify)
	}
	switch reason {
	case event.CallFailed:
		h.CallerMessage = lang.CallFailedMessage
	case event.NoAnswer:
		h.CallerMessage = lang.NoAnswerMessage
	default:
		h.CallerMessage = lang.IncompleteMessage
		if d.Incomplete != nil && d.Incomplete.CallerMessage != "" {
			h.CallerMessage = d.Incomplete.CallerMessage
		}
	}
	return h
}

// CELFields declares the fields for the typed CEL environment.
func (d *Definition) CELFields() []celenv.Field {
	out := make([]celenv.Field, len(d.Fields))
	for i := range d.Fields {
		out[i] = d.Fields[i].CEL()
	}
	return out
}

// Field returns the field named name.
func (d *Definition) Field(name string) (*Field, bool) {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i], true
		}
	}
	return nil, false
}

// IsPII reports whether field name holds personal data.
func (d *Definition) IsPII(name string) bool {
	f, ok := d.Field(name)
	return ok && f.PII
}

// Float returns a pointer to v, for Min and Max in generated definitions.
func Float(v float64) *float64 { return &v }
