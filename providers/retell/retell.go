// Package retell is the Retell AI platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package retellconfig, which a
// deployed handler does not import.
//
// # Config
//
// Retell keeps the spoken text on a Retell LLM and the analysis on the
// agent, so there are two bodies.
//
// generated/<id>/providers/retell-llm.json creates or updates the Retell
// LLM (POST /create-retell-llm, PATCH /update-retell-llm/{llm_id}):
// start_speaker "agent", begin_message the spec's disclosure, and
// general_prompt the agent prompt every platform gets (goal, questions,
// handoff rules in words with their caller messages). The model is left
// to the LLM's own setting.
//
// generated/<id>/providers/retell.json is the body of an agent update
// (PATCH /update-agent/{agent_id}): response_engine points at that LLM,
// {"type": "retell-llm", "llm_id": LLMIDPlaceholder}; the llm_id exists
// only once the LLM is created, so deploy creates (or updates) the LLM
// first and puts the id it returns in place of the placeholder.
// post_call_analysis_data holds one item
// per field, named after the field, webhook_url is the spec's webhook URL,
// and webhook_events is ["call_analyzed"], because call_analyzed is the one
// event that carries the extracted data (call_ended comes first without
// it, and deciding on it would record an incomplete call).
//
// Type mapping (spec → post_call_analysis_data item):
//
//	text      string  (description, examples)
//	number    number
//	integer   number  (LOSS: Retell has no integer; "A whole number." is said, the handler refuses fractions)
//	boolean   boolean
//	enum      enum    (choices = values)
//	phone     string  (E.164 format stated in description, example +14155550123)
//	email     string  (format in description and examples)
//	date      string  (YYYY-MM-DD in description and examples)
//	datetime  string  (RFC 3339 in description and examples)
//	list      string  (LOSS: comma-separated text; the adapter splits it on commas)
//
// Only string items take examples. required is set for required fields, so
// Retell marks a call that missed one as unsuccessful.
//
// # Inbound
//
// The webhook body is {"event": "call_analyzed", "call": {...}} (the
// deprecated "data" key is read when "call" is absent). Fields come from
// call.call_analysis.custom_analysis_data, keyed by item name = field name.
// Other events are refused with a reason that says to configure
// webhook_events. Timestamps are epoch milliseconds; duration_ms becomes
// whole seconds. call.from and call.to are from_number and to_number;
// caller.phone_e164 is the customer: from_number on an inbound call,
// to_number on an outbound one (direction outbound), where from_number is
// the agent's own line.
//
// Status mapping: call_status registered → queued, ongoing → in_progress,
// ended → completed, not_connected and error → failed; then, for a call
// that is no longer running, disconnection_reason refines it:
// dial_no_answer, user_declined → no_answer; dial_busy → busy;
// voicemail_reached → voicemail; dial_failed, invalid_destination,
// telephony_provider_*, sip_routing_error, marked_as_spam,
// registered_call_timeout and every error_* → failed; manual_stopped →
// canceled.
//
// End reasons (disconnection_reason → call.end_reason): user_hangup →
// caller_hangup, agent_hangup → agent_hangup, call_transfer,
// transfer_bridged, call_take_over → transferred, voicemail_reached →
// voicemail, ivr_reached → ivr, inactivity → inactivity,
// max_duration_reached → max_duration, dial_no_answer → no_answer,
// dial_busy → busy, dial_failed, invalid_destination,
// telephony_provider_permission_denied, telephony_provider_unavailable,
// sip_routing_error, marked_as_spam → dial_failed, user_declined →
// declined, manual_stopped → canceled, concurrency_limit_reached,
// no_concurrency_fallback, no_valid_payment, scam_detected,
// registered_call_timeout and error_* → error. Anything else passes
// through unchanged.
//
// # Signature
//
// x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256(key, body + ms)>,
// where key is the Retell API key with the webhook badge; the timestamp
// must be within ±5 minutes.
package retell

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "retell"

// SignatureHeader carries Retell's signature.
const SignatureHeader = "X-Retell-Signature"

// WebhookEvent is the one event callspec decides on.
const WebhookEvent = "call_analyzed"

// IgnoredEvents are the other event types Retell documents for
// webhook_events (call_started, call_ended and transcript_updated are the
// default of a dashboard-configured URL): Decode answers each, and any
// type Retell adds later, with an *IgnoredError. The setup steps list
// them (retellconfig).
var IgnoredEvents = []string{"call_started", "call_ended", "transcript_updated", "transfer_started", "transfer_bridged", "transfer_cancelled", "transfer_ended"}

func init() { providers.Register(Provider{}) }

// Provider is Retell AI.
type Provider struct{}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

// Status and end reason tables (see the package documentation).
var (
	statusTable = payload.Table{
		"registered":    payload.StatusQueued,
		"ongoing":       payload.StatusInProgress,
		"ended":         payload.StatusCompleted,
		"not_connected": payload.StatusFailed,
		"error":         payload.StatusFailed,
	}
	// reasonStatus refines the status of a call that is no longer running.
	reasonStatus = payload.Table{
		"dial_no_answer":                       payload.StatusNoAnswer,
		"user_declined":                        payload.StatusNoAnswer,
		"dial_busy":                            payload.StatusBusy,
		"voicemail_reached":                    payload.StatusVoicemail,
		"dial_failed":                          payload.StatusFailed,
		"invalid_destination":                  payload.StatusFailed,
		"telephony_provider_permission_denied": payload.StatusFailed,
		"telephony_provider_unavailable":       payload.StatusFailed,
		"sip_routing_error":                    payload.StatusFailed,
		"marked_as_spam":                       payload.StatusFailed,
		"registered_call_timeout":              payload.StatusFailed,
		"manual_stopped":                       payload.StatusCanceled,
	}
	endTable = payload.Table{
		"user_hangup":                          payload.EndCallerHangup,
		"agent_hangup":                         payload.EndAgentHangup,
		"call_transfer":                        payload.EndTransferred,
		"transfer_bridged":                     payload.EndTransferred,
		"call_take_over":                       payload.EndTransferred,
		"voicemail_reached":                    payload.EndVoicemail,
		"ivr_reached":                          payload.EndIVR,
		"inactivity":                           payload.EndInactivity,
		"max_duration_reached":                 payload.EndMaxDuration,
		"dial_no_answer":                       payload.EndNoAnswer,
		"dial_busy":                            payload.EndBusy,
		"dial_failed":                          payload.EndDialFailed,
		"invalid_destination":                  payload.EndDialFailed,
		"telephony_provider_permission_denied": payload.EndDialFailed,
		"telephony_provider_unavailable":       payload.EndDialFailed,
		"sip_routing_error":                    payload.EndDialFailed,
		"marked_as_spam":                       payload.EndDialFailed,
		"user_declined":                        payload.EndDeclined,
		"manual_stopped":                       payload.EndCanceled,
		"concurrency_limit_reached":            payload.EndError,
		"no_concurrency_fallback":              payload.EndError,
		"no_valid_payment":                     payload.EndError,
		"scam_detected":                        payload.EndError,
		"registered_call_timeout":              payload.EndError,
	}
	// Reverse tables for Encode.
	statusOut = payload.Table{
		payload.StatusQueued:     "registered",
		payload.StatusInProgress: "ongoing",
		payload.StatusCompleted:  "ended",
		payload.StatusFailed:     "error",
		payload.StatusNoAnswer:   "not_connected",
		payload.StatusBusy:       "not_connected",
		payload.StatusVoicemail:  "ended",
		payload.StatusCanceled:   "ended",
	}
	statusReasonOut = payload.Table{
		payload.StatusNoAnswer:  "dial_no_answer",
		payload.StatusBusy:      "dial_busy",
		payload.StatusVoicemail: "voicemail_reached",
		payload.StatusCanceled:  "manual_stopped",
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
	ev := r.String(root, "event")
	if ev == "" {
		ev = r.String(root, "event_type")
	}
	if ev != "" && ev != WebhookEvent && !r.Failed() {
		// IgnoredEvents, or a later type: acknowledged unread.
		return nil, providers.Ignored(Name, ev, WebhookEvent)
	}
	// at is the key of the call object, for paths in reasons.
	at := "call"
	call := r.Object(root, at)
	if call == nil {
		at = "data"
		call = r.Object(root, at)
	}
	if call == nil && !r.Failed() {
		r.Fail("the body has no call object")
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	in.Call.ID = r.ID(root, at, "call_id")
	if r.String(call, "call_type") != "web_call" {
		in.Call.Direction = r.Direction(r.String(call, "direction"), "call.direction")
	}
	in.CallerFrom = strings.TrimSpace(r.String(call, "from_number"))
	in.CalledTo = strings.TrimSpace(r.String(call, "to_number"))
	in.CallerPhone = r.Customer(in.Call.Direction, in.CallerFrom, "call.from_number", in.CalledTo, "call.to_number")

	reason := r.String(call, "disconnection_reason")
	status := r.Map(statusTable, r.String(call, "call_status"), "call.call_status")
	if status == "" {
		status = payload.StatusCompleted // call_analyzed is sent after the call ended
	}
	if status == payload.StatusCompleted || status == payload.StatusFailed {
		if s, ok := reasonStatus[reason]; ok {
			status = s
		} else if strings.HasPrefix(reason, "error_") {
			status = payload.StatusFailed
		}
	}
	in.Call.Status = status
	if strings.HasPrefix(reason, "error_") {
		in.Call.EndReason = payload.EndError
	} else {
		in.Call.EndReason = r.Map(endTable, reason, "call.disconnection_reason")
	}

	if v, ok := payload.Get(call, "start_timestamp"); ok {
		in.Call.StartedAt = r.Time(v, "call.start_timestamp")
	}
	if ms, ok := r.Number(root, at, "duration_ms"); ok {
		in.Call.DurationS = r.Seconds(ms, time.Millisecond, at+".duration_ms")
	} else {
		start, ok1 := r.Number(root, at, "start_timestamp")
		end, ok2 := r.Number(root, at, "end_timestamp")
		if ok1 && ok2 {
			in.Call.DurationS = r.Elapsed(end-start, time.Millisecond, at+".end_timestamp")
		}
	}

	if data := r.Object(call, "call_analysis", "custom_analysis_data"); data != nil {
		r.TakeFields(in.Fields, data, def, "call.call_analysis.custom_analysis_data")
	}
	splitLists(in.Fields, def)
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// splitLists turns the comma-separated text a Retell string item returns
// for a list field into the list the spec declares.
func splitLists(fields map[string]any, def *workflow.Definition) {
	for _, f := range def.Fields {
		if f.Type != celenv.ListKind {
			continue
		}
		s, ok := fields[f.Name].(string)
		if !ok {
			continue
		}
		items := []any{}
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, part)
			}
		}
		fields[f.Name] = items
	}
}

// Encode implements providers.Adapter: a call_analyzed body.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	call := map[string]any{
		"call_id":     in.Call.ID,
		"call_type":   "phone_call",
		"agent_id":    "agent_callspec",
		"call_status": statusOut.Lookup(in.Call.Status),
		"from_number": in.CallerFrom,
		"to_number":   in.CalledTo,
		"duration_ms": in.Call.DurationS * 1000,
		"call_analysis": map[string]any{
			"custom_analysis_data": encodeFields(in.Fields, def),
		},
	}
	if in.Call.Direction != "" {
		call["direction"] = in.Call.Direction
	}
	reason := endOut.Lookup(in.Call.EndReason)
	if r, ok := statusReasonOut[in.Call.Status]; ok && in.Call.EndReason == "" {
		reason = r
	}
	if reason != "" {
		call["disconnection_reason"] = reason
	}
	if in.Call.StartedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt)
		if err != nil {
			return nil, fmt.Errorf("encode retell: started_at is not RFC 3339: %w", err)
		}
		call["start_timestamp"] = t.UnixMilli()
		call["end_timestamp"] = t.UnixMilli() + in.Call.DurationS*1000
	}
	return payload.Marshal(map[string]any{"event": WebhookEvent, "call": call})
}

// encodeFields writes list fields as the comma-separated text Retell
// returns for them.
func encodeFields(fields map[string]any, def *workflow.Definition) map[string]any {
	out := map[string]any{}
	for k, v := range fields {
		if f, ok := def.Field(k); ok && f.Type == celenv.ListKind {
			if items, ok := v.([]any); ok {
				parts := make([]string, 0, len(items))
				for _, it := range items {
					parts = append(parts, fmt.Sprint(it))
				}
				v = strings.Join(parts, ", ")
			}
		}
		out[k] = v
	}
	return out
}

// parseSignature splits a header of the form v=<digits>,d=<64 hex digits>
// (what the regular expression ^v=(\d+),d=([0-9a-fA-F]{64})$ matches,
// without its cost on every delivery).
func parseSignature(raw string) (timestamp, digest string, ok bool) {
	rest, ok := strings.CutPrefix(raw, "v=")
	if !ok {
		return "", "", false
	}
	timestamp, digest, ok = strings.Cut(rest, ",d=")
	if !ok || timestamp == "" || len(digest) != 64 {
		return "", "", false
	}
	for i := 0; i < len(timestamp); i++ {
		if timestamp[i] < '0' || timestamp[i] > '9' {
			return "", "", false
		}
	}
	for i := 0; i < len(digest); i++ {
		switch c := digest[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return "", "", false
		}
	}
	return timestamp, digest, true
}

// Verify implements providers.Adapter.
func (Provider) Verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	if err := signature.RequireSecret(secret); err != nil {
		return err
	}
	raw := strings.TrimSpace(h.Get(SignatureHeader))
	if raw == "" {
		return signature.Errorf("the %s header is missing", SignatureHeader)
	}
	timestamp, digest, ok := parseSignature(raw)
	if !ok {
		return signature.Errorf("the %s header is not of the form v=<unix ms>,d=<64 hex digits>", SignatureHeader)
	}
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return signature.Errorf("the %s timestamp is not a number", SignatureHeader)
	}
	if err := signature.CheckTime(time.UnixMilli(ms), now); err != nil {
		return err
	}
	if !signature.EqualHex(digest, signature.HMACSHA256(secret, body, []byte(timestamp))) {
		return signature.Errorf("the %s digest does not match the body (wrong API key, or the body changed)", SignatureHeader)
	}
	return nil
}

// Sign implements providers.Adapter.
func (Provider) Sign(secret []byte, body []byte, now time.Time) (http.Header, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("sign retell: the API key is empty")
	}
	h := http.Header{}
	h.Set(SignatureHeader, Signature(secret, body, now.UnixMilli()))
	return h, nil
}

// Signature returns the x-retell-signature value for body at ms.
func Signature(key, body []byte, ms int64) string {
	ts := strconv.FormatInt(ms, 10)
	return fmt.Sprintf("v=%s,d=%x", ts, signature.HMACSHA256(key, body, []byte(ts)))
}

// SignatureScheme implements providers.Adapter.
func (Provider) SignatureScheme() string {
	return "Retell signs each delivery in x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256 of the raw body followed by the timestamp>, keyed with the Retell API key that has the webhook badge; callspec accepts timestamps within ±5 minutes."
}
