// Package event defines the canonical events a handler produces, after the
// seed payloads: call_app.completed for a routine outcome and
// call_app.handoff when a person must take over. Every verified delivery
// becomes exactly one of them.
package event

// Event types.
const (
	Completed = "call_app.completed"
	Handoff   = "call_app.handoff"
)

// The handoff reasons callspec decides itself (see "How a call is
// decided" in docs/AUTHORING.md); a spec's own rules cannot use them.
const (
	// CallFailed: the platform says the call ended in an error.
	CallFailed = "call_failed"
	// NoAnswer: nobody answered (no answer, busy, declined, voicemail).
	NoAnswer = "no_answer"
	// IncompleteCall: no rule was true, and a required field is missing
	// or invalid, or a rule read a value the call did not produce.
	IncompleteCall = "incomplete_call"
)

// BuiltinReasons lists the reasons above, in the order of the decision.
var BuiltinReasons = []string{CallFailed, NoAnswer, IncompleteCall}

// Signature statuses.
const (
	// SignatureVerified: the platform signed the body and the signature
	// verified.
	SignatureVerified = "verified"
	// SignatureSharedSecret: the platform signs nothing and sent the
	// shared secret in a header, which authenticates the sender but not
	// the body (CallCow, Phonely, Synthflow, Vapi's bearer credential).
	SignatureSharedSecret = "shared_secret"
	// SignatureURLToken: the platform signs nothing and sends no custom
	// header; the delivery's URL path ended in the platform's secret
	// token (Synthflow, CallCow, Phonely by default).
	SignatureURLToken = "url_token"
	// SignatureUnsigned: no signature was checked (callspec decode, test).
	SignatureUnsigned = "unsigned"
)

// Event is the canonical outcome of one call.
type Event struct {
	Event           string         `json:"event"`
	WorkflowID      string         `json:"workflow_id"`
	Call            Call           `json:"call"`
	Caller          Caller         `json:"caller"`
	Fields          map[string]any `json:"fields"`
	NextAction      string         `json:"next_action,omitempty"`
	Handoff         *HandoffInfo   `json:"handoff,omitempty"`
	IdempotencyKey  string         `json:"idempotency_key"`
	SignatureStatus string         `json:"signature_status"`
}

// Call is the call metadata, mapped onto canonical statuses by the adapter.
type Call struct {
	ID        string `json:"id"`
	Provider  string `json:"provider"`
	Status    string `json:"status"`
	EndReason string `json:"end_reason,omitempty"`
	Direction string `json:"direction,omitempty"`
	// StartedAt is RFC 3339 in UTC, or empty when the platform gave none.
	StartedAt string `json:"started_at,omitempty"`
	// DurationS is the call length in whole seconds.
	DurationS int64 `json:"duration_s"`
}

// Caller identifies the customer: the person the assistant talked to,
// who placed an inbound call and was dialled on an outbound one (never the
// business's own line). PhoneE164 is set only when the platform gave a
// valid E.164 number; anything else is left out, never guessed.
type Caller struct {
	PhoneE164 string `json:"phone_e164,omitempty"`
}

// HandoffInfo is the handoff block, after seed 001.
type HandoffInfo struct {
	Reason        string   `json:"handoff_reason"`
	Severity      string   `json:"severity"`
	Owner         string   `json:"owner,omitempty"`
	Notify        []string `json:"notify"`
	CallerMessage string   `json:"caller_message"`
	// MissingFields names required fields the call did not produce (a
	// placeholder such as "N/A" counts as not produced), in declaration
	// order. Always present, possibly empty.
	MissingFields []string `json:"missing_fields"`
	// InvalidFields names required fields whose values did not fit the
	// schema; the values themselves are left out of the event. (An
	// invalid optional value is left out with a note and is not listed.)
	InvalidFields []FieldProblem `json:"invalid_fields"`
	// UndecidedRules names the handoff rules, in order, that could not be
	// decided because they read a value the call did not produce.
	UndecidedRules []string `json:"undecided_rules"`
}

// FieldProblem says why a field's value was refused, without the value.
type FieldProblem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Inbound is what a provider adapter extracts from one platform delivery,
// before validation and decision.
type Inbound struct {
	Call Call
	// CallerPhone is the customer's number in E.164 (see Customer), or "".
	CallerPhone string
	// CallerFrom and CalledTo are the raw numbers for the CEL call object
	// (call.from, call.to); they are never logged.
	CallerFrom string
	CalledTo   string
	// Fields holds the extracted values keyed by spec field name, as the
	// platform sent them (strings, numbers, booleans, lists, null).
	Fields map[string]any
	// Notes explain lossy decoding (a caller number that is not E.164, an
	// unknown status passed through); they never contain personal data.
	Notes []string
}

// Customer returns the raw number of the person the assistant talked to:
// the calling number of an inbound call and the called number of an
// outbound one, where the calling number is the business's own line. A
// call without a direction counts as inbound.
func (in *Inbound) Customer() string {
	if in.Call.Direction == "outbound" {
		return in.CalledTo
	}
	return in.CallerFrom
}
