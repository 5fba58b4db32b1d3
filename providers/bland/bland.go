// Package bland is the Bland AI platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package blandconfig, which a
// deployed handler does not import.
//
// # Config
//
// generated/<id>/providers/bland.json is the part of the send-call request
// (POST /v1/calls) callspec owns: analysis_schema maps each field name to
// a short description of the value wanted (Bland's documented form is a
// key → type hint object, e.g. "email", "boolean", "YYYY-MM-DD"),
// summary_prompt asks for a summary without phone numbers, webhook is the
// spec's webhook URL and metadata.callspec_workflow names the workflow, so
// a delivery says which workflow it belongs to. first_sentence is the
// spec's disclosure, which Bland documents as "less than 200 characters"
// (a longer one is a target-unsupported finding, see Losses), and task is
// the agent prompt every platform gets (goal, questions, handoff rules in
// words with their caller messages). An inbound number
// (POST /v1/inbound/{phone_number}) takes the same text, with the prompt
// under the key prompt instead of task. Bland's exact request
// shapes for these keys were not retrievable (see shared/vendors.md); the
// type hints follow its published examples.
//
// Type mapping (spec → analysis_schema hint):
//
//	text      "string"
//	number    "number"
//	integer   "integer"
//	boolean   "boolean"
//	enum      "one of: a, b, c"
//	phone     "phone number in E.164, e.g. +14155550123"
//	email     "email"
//	date      "YYYY-MM-DD"
//	datetime  "YYYY-MM-DDTHH:MM:SSZ (RFC 3339)"
//	list      "array of <item hint>"
//
// Each hint is followed by the field's description. Hints are free text to
// Bland's model, so nothing is enforced by the platform and nothing is
// lost that the handler does not check anyway.
//
// # Inbound
//
// The webhook body is the call record (as GET /v1/calls/{id} returns it):
// call_id (or c_id), to, from, inbound, completed, status, queue_status,
// answered_by, call_ended_by, call_length in minutes, started_at /
// created_at, and analysis, the object keyed by analysis_schema's keys =
// field names. inbound (bool) sets the direction; caller.phone_e164 is the
// customer: from on an inbound call, to on an outbound one, where from is
// the number Bland called from.
//
// Status mapping: status (when present) completed, complete → completed;
// failed, error → failed; busy → busy; no-answer, no_answer → no_answer;
// queued → queued; started, in-progress, in_progress, allocated →
// in_progress; canceled, cancelled → canceled. Without status, completed
// true → completed, false → failed, else queue_status the same way.
// answered_by voicemail → voicemail and no-answer → no_answer override a
// completed status.
//
// End reasons (call_ended_by): ASSISTANT → agent_hangup, USER →
// caller_hangup; others pass through.
//
// # Signature
//
// X-Webhook-Signature is the hex HMAC-SHA256 of the raw body keyed with
// the account's webhook signing secret. The scheme has no timestamp and no
// message id, so it cannot stop a captured delivery from being replayed;
// the handler's idempotency on call.id is what makes a replay harmless.
// (Bland's own sample re-serialises the JSON and compares with ===; we
// use the raw body and a constant-time comparison.)
package bland

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "bland"

// SignatureHeader carries Bland's signature.
const SignatureHeader = "X-Webhook-Signature"

// MetadataWorkflowKey names the workflow in the call's metadata.
const MetadataWorkflowKey = "callspec_workflow"

func init() { providers.Register(Provider{}) }

// Provider is Bland AI.
type Provider struct{}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

var (
	statusTable = payload.Table{
		"completed":   payload.StatusCompleted,
		"complete":    payload.StatusCompleted,
		"failed":      payload.StatusFailed,
		"error":       payload.StatusFailed,
		"busy":        payload.StatusBusy,
		"no-answer":   payload.StatusNoAnswer,
		"no_answer":   payload.StatusNoAnswer,
		"queued":      payload.StatusQueued,
		"started":     payload.StatusInProgress,
		"in-progress": payload.StatusInProgress,
		"in_progress": payload.StatusInProgress,
		"allocated":   payload.StatusInProgress,
		"canceled":    payload.StatusCanceled,
		"cancelled":   payload.StatusCanceled,
	}
	answeredBy = map[string]string{
		"voicemail": payload.StatusVoicemail,
		"no-answer": payload.StatusNoAnswer,
	}
	endTable = payload.Table{
		"ASSISTANT": payload.EndAgentHangup,
		"USER":      payload.EndCallerHangup,
	}
	endOut = payload.Reverse(endTable)
)

// Decode implements providers.Adapter.
func (Provider) Decode(body []byte, def *workflow.Definition) (*event.Inbound, error) {
	r := payload.NewReader(Name)
	root := r.Parse(body)
	if r.Failed() {
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	if _, ok := payload.Get(root, "call_id"); ok {
		in.Call.ID = r.ID(root, "call_id")
	} else {
		in.Call.ID = r.ID(root, "c_id")
	}
	if r.Failed() {
		return nil, r.Err()
	}
	if inbound, ok := r.Bool(root, "inbound"); ok {
		in.Call.Direction = map[bool]string{true: "inbound", false: "outbound"}[inbound]
	}
	in.CallerFrom = strings.TrimSpace(r.String(root, "from"))
	in.CalledTo = strings.TrimSpace(r.String(root, "to"))
	in.CallerPhone = r.Customer(in.Call.Direction, in.CallerFrom, "from", in.CalledTo, "to")

	status := ""
	if s := r.String(root, "status"); s != "" {
		status = r.Map(statusTable, s, "status")
	} else if done, ok := r.Bool(root, "completed"); ok {
		status = map[bool]string{true: payload.StatusCompleted, false: payload.StatusFailed}[done]
	} else if s := r.String(root, "queue_status"); s != "" {
		status = r.Map(statusTable, s, "queue_status")
	}
	if status == "" {
		status = payload.StatusCompleted // the webhook is sent when the call ends
	}
	if s, ok := answeredBy[strings.ToLower(r.String(root, "answered_by"))]; ok && status == payload.StatusCompleted {
		status = s
	}
	in.Call.Status = status
	if by := r.String(root, "call_ended_by"); by != "" {
		if v, ok := endTable[strings.ToUpper(by)]; ok {
			in.Call.EndReason = v
		} else {
			in.Call.EndReason = r.Map(nil, by, "call_ended_by")
		}
	}
	start, _ := payload.Get(root, "started_at")
	if start == nil {
		start, _ = payload.Get(root, "created_at")
	}
	in.Call.StartedAt = r.Time(start, "started_at")
	if m, ok := r.Number(root, "call_length"); ok {
		in.Call.DurationS = r.Seconds(m, time.Minute, "call_length")
	}
	if a := r.Object(root, "analysis"); a != nil {
		r.TakeFields(in.Fields, a, def, "analysis")
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// WorkflowHint implements providers.WorkflowHinter: the workflow the
// delivery names in metadata.callspec_workflow, or "".
func (Provider) WorkflowHint(body []byte) string { return WorkflowID(body) }

// WorkflowID returns the workflow a delivery names in its metadata, or "".
// The body is read as strictly as Decode reads it, so that the workflow
// chosen is the one Decode would see.
func WorkflowID(body []byte) string {
	r := payload.NewReader(Name)
	id, _ := payload.Get(r.Parse(body), "metadata", MetadataWorkflowKey)
	s, _ := id.(string)
	return s
}

// Encode implements providers.Adapter: a call record.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	fields := in.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	body := map[string]any{
		"call_id":     in.Call.ID,
		"to":          in.CalledTo,
		"from":        in.CallerFrom,
		"status":      in.Call.Status,
		"completed":   in.Call.Status == payload.StatusCompleted,
		"call_length": float64(in.Call.DurationS) / 60,
		"analysis":    fields,
		"metadata":    map[string]any{MetadataWorkflowKey: def.ID},
	}
	switch in.Call.Direction {
	case "inbound":
		body["inbound"] = true
	case "outbound":
		body["inbound"] = false
	}
	if in.Call.EndReason != "" {
		body["call_ended_by"] = endOut.Lookup(in.Call.EndReason)
	}
	if in.Call.StartedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt)
		if err != nil {
			return nil, fmt.Errorf("encode bland: started_at is not RFC 3339: %w", err)
		}
		body["started_at"] = t.UTC().Format("2006-01-02T15:04:05.000+00:00")
	}
	return payload.Marshal(body)
}

// Verify implements providers.Adapter.
func (Provider) Verify(secret []byte, h http.Header, body []byte, _ time.Time) error {
	if err := signature.RequireSecret(secret); err != nil {
		return err
	}
	sig := strings.TrimSpace(h.Get(SignatureHeader))
	if sig == "" {
		return signature.Errorf("the %s header is missing", SignatureHeader)
	}
	if !signature.EqualHex(sig, signature.HMACSHA256(secret, body)) {
		return signature.Errorf("the %s digest does not match the body (wrong signing secret, or the body changed)", SignatureHeader)
	}
	return nil
}

// Sign implements providers.Adapter.
func (Provider) Sign(secret []byte, body []byte, _ time.Time) (http.Header, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("sign bland: the webhook signing secret is empty")
	}
	h := http.Header{}
	h.Set(SignatureHeader, fmt.Sprintf("%x", signature.HMACSHA256(secret, body)))
	return h, nil
}

// SignatureScheme implements providers.Adapter.
func (Provider) SignatureScheme() string {
	return "Bland signs each delivery in X-Webhook-Signature: the hex HMAC-SHA256 of the raw body keyed with the account's webhook signing secret. It has no timestamp or message id, so replays are not detected by the signature; idempotency on the call id makes them harmless."
}
