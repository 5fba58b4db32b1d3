// Package workflow is a workflow at run time: its definition (what the
// generated handler embeds), validation of extracted fields against it, and
// the decision that turns one call into exactly one event. The handler,
// callspec test and the scenario-invalid rule all use this one
// implementation.
package workflow

import "github.com/callspec/callspec/runtime/celenv"

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
	// IdempotencyKey is a CEL expression over call and workflow.
	IdempotencyKey string
	// Log is the allow-list of values the handler may log.
	Log     []string
	Forward *Forward
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
	// MaxLength bounds text length (items' length for lists of text) in
	// code points, or the number of items of a list; 0 is unbounded.
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
	// DefaultIncompleteMessage is told to a caller whose call missed
	// required fields, unless the spec declares an incomplete_call rule.
	DefaultIncompleteMessage = "I could not collect everything the team needs. A person from the team will follow up with you."
)

// CELFields declares the fields for the typed CEL environment.
func (d *Definition) CELFields() []celenv.Field {
	out := make([]celenv.Field, len(d.Fields))
	for i, f := range d.Fields {
		out[i] = celenv.Field{Name: f.Name, Type: f.Type, Items: f.Items, MaxLength: f.MaxLength}
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
