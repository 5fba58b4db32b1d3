// Package vapi is the Vapi platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package vapiconfig, which a
// deployed handler does not import.
//
// # Config
//
// generated/<id>/providers/vapi.json is the body of an assistant update
// (PATCH /assistant/{id}, UpdateAssistantDTO). firstMessage is the spec's
// disclosure (firstMessageMode assistant-speaks-first) and
// model.messages holds one system message, the agent prompt every
// platform gets (goal, questions, handoff rules in words with their caller
// messages). Vapi requires model.provider and model.model wherever the
// model object is sent, and the spec does not choose the user's LLM: the
// file names DefaultModelProvider and DefaultModel, and deploy must keep
// the live assistant's provider, model and other model settings (GET
// /assistant/{id}) and replace only model.messages; the default applies
// to an assistant without a model. server.url is the spec's
// webhook URL, serverMessages is ["end-of-call-report"] (Vapi asks for it
// to be listed explicitly, and no other message is needed), and
// artifactPlan.structuredOutputs holds one inline structured output
// (CreateStructuredOutputDTO) named after the workflow id (cut to Vapi's
// 40 characters) whose schema is an object with one property per field.
// The same structured output can instead be created with
// POST /structured-output and attached by id.
//
// Type mapping (spec → JSON Schema property of the structured output):
//
//	text      {"type":"string"} (+ pattern)
//	number    {"type":"number"}
//	integer   {"type":"integer"}
//	boolean   {"type":"boolean"}
//	enum      {"type":"string","enum":[values]}
//	phone     {"type":"string","pattern":"^\\+[1-9][0-9]{1,14}$"}
//	email     {"type":"string","format":"email"}
//	date      {"type":"string","format":"date"}
//	datetime  {"type":"string","format":"date-time"}
//	list      {"type":"array","items":{item type}}
//
// Nothing is lost: min, max and max_length, which Vapi's JsonSchema object
// does not list, are stated in the description and enforced by the
// handler.
//
// # Inbound
//
// The webhook body is {"message": {"type": "end-of-call-report", ...}};
// other message types are refused with a reason that says to set
// serverMessages. Fields are read, first value wins, from:
//
//  1. message.artifact.structuredOutputs (or message.call.artifact…), the
//     entry named after the workflow: its result object, keyed by field;
//  2. any other entry whose result is an object, keyed by field;
//  3. an entry whose name is a field name, with a single-value result;
//  4. the legacy message.analysis.structuredData object (or
//     message.call.analysis…), keyed by field.
//
// Numbers: customer.number is the customer and becomes caller.phone_e164
// in both directions; phoneNumber.number is the assistant's own line.
// call.type inboundPhoneCall and outboundPhoneCall set the direction and
// so which of the two is call.from and which call.to.
//
// Status mapping: call.status scheduled, queued → queued; ringing,
// in-progress, forwarding → in_progress; ended (or absent: the report is
// sent after the call) → completed; not-found, deletion-failed → failed.
// For a finished call endedReason refines it: customer-did-not-answer →
// no_answer, customer-busy → busy, voicemail → voicemail,
// manually-canceled → canceled, anything that failed to connect or
// contains "error"/"fault" → failed.
//
// End reasons (endedReason → call.end_reason): customer-ended-call* →
// caller_hangup; assistant-ended-call*, assistant-said-end-call-phrase →
// agent_hangup; assistant-forwarded-call → transferred; voicemail →
// voicemail; silence-timed-out → inactivity; exceeded-max-duration →
// max_duration; customer-did-not-answer → no_answer; customer-busy → busy;
// *failed-to-connect*, twilio-reported-customer-misdialed → dial_failed;
// manually-canceled → canceled; any other value containing "error" or
// "fault" → error. Vapi lists over 600 values; the rest pass through.
//
// # Signature
//
// Default: a Vapi HMAC webhook credential, created with POST /credential
// as {"provider":"webhook","authenticationPlan":{"type":"hmac","algorithm":
// "sha256","secretKey":<the webhook secret>}} and left at Vapi's defaults (x-signature = hex
// HMAC-SHA256 over "{timestamp}.{body}", timestamp in x-timestamp). The
// timestamp's unit is not documented, so both seconds and milliseconds are
// accepted, within ±5 minutes. Attach it with assistant.server.credentialId.
//
// Options (webhook.platforms.vapi.auth): bearer (New(Bearer)) for a Vapi
// bearer credential whose token is the secret, sent in Authorization:
// Bearer <secret>; header (New(Header)) for the legacy X-Vapi-Secret
// setup, a bearer credential with headerName X-Vapi-Secret and
// bearerPrefixEnabled false, which sends the raw secret. They prove the
// sender knows the secret but protect neither the body nor against
// replays, so HMAC is the default. vapiconfig.Credential writes the
// credential's create body for each mode.
package vapi

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "vapi"

// Headers of Vapi's HMAC credential (its defaults).
const (
	SignatureHeader = "X-Signature"
	TimestampHeader = "X-Timestamp"
)

// Headers of the bearer option.
const (
	AuthorizationHeader = "Authorization"
	LegacySecretHeader  = "X-Vapi-Secret"
)

// MessageType is the server message callspec decides on.
const MessageType = "end-of-call-report"

// UnwrappedType is the type of the same outcome in the unwrapped shape
// that Vapi's structured-outputs guide shows (no "message" envelope).
const UnwrappedType = "call.ended"

// IgnoredMessages are the server messages of Vapi's default serverMessages
// (and the live transcript) that callspec does not decide on: Decode
// answers each, and any type Vapi adds later, with an *IgnoredError. The
// setup steps list them (vapiconfig).
var IgnoredMessages = []string{"status-update", "transcript", "conversation-update", "speech-update", "hang", "user-interrupted", "assistant.started"}

// Auth selects how deliveries are authenticated.
type Auth int

// Authentication schemes.
const (
	// HMAC is Vapi's HMAC webhook credential with its defaults.
	HMAC Auth = iota
	// Bearer is a Vapi bearer credential holding the secret, sent as
	// Authorization: Bearer <secret>.
	Bearer
	// Header is the legacy X-Vapi-Secret setup: a bearer credential with
	// headerName X-Vapi-Secret and no prefix, the raw secret.
	Header
)

// WithAuth implements providers.AuthSelector: hmac, bearer or header.
func (Provider) WithAuth(mode string) providers.Adapter {
	switch mode {
	case workflow.AuthBearer:
		return New(Bearer)
	case workflow.AuthHeader:
		return New(Header)
	}
	return New(HMAC)
}

func init() { providers.Register(New(HMAC)) }

// Provider is Vapi.
type Provider struct{ auth Auth }

// New returns Vapi with the given authentication; the registered provider
// uses HMAC.
func New(a Auth) Provider { return Provider{auth: a} }

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

// OutputName is the structured output's name for a workflow: its id, cut
// to the 40 characters Vapi allows.
func OutputName(id string) string {
	if len(id) > 40 {
		return id[:40]
	}
	return id
}

var (
	statusTable = payload.Table{
		"scheduled":       payload.StatusQueued,
		"queued":          payload.StatusQueued,
		"ringing":         payload.StatusInProgress,
		"in-progress":     payload.StatusInProgress,
		"forwarding":      payload.StatusInProgress,
		"ended":           payload.StatusCompleted,
		"not-found":       payload.StatusFailed,
		"deletion-failed": payload.StatusFailed,
	}
	endTable = payload.Table{
		"customer-ended-call":                payload.EndCallerHangup,
		"assistant-ended-call":               payload.EndAgentHangup,
		"assistant-said-end-call-phrase":     payload.EndAgentHangup,
		"assistant-forwarded-call":           payload.EndTransferred,
		"voicemail":                          payload.EndVoicemail,
		"silence-timed-out":                  payload.EndInactivity,
		"exceeded-max-duration":              payload.EndMaxDuration,
		"customer-did-not-answer":            payload.EndNoAnswer,
		"customer-busy":                      payload.EndBusy,
		"twilio-failed-to-connect-call":      payload.EndDialFailed,
		"twilio-reported-customer-misdialed": payload.EndDialFailed,
		"manually-canceled":                  payload.EndCanceled,
	}
	reasonStatus = map[string]string{
		payload.EndNoAnswer:   payload.StatusNoAnswer,
		payload.EndBusy:       payload.StatusBusy,
		payload.EndVoicemail:  payload.StatusVoicemail,
		payload.EndCanceled:   payload.StatusCanceled,
		payload.EndDialFailed: payload.StatusFailed,
		payload.EndError:      payload.StatusFailed,
	}
	statusOut = payload.Table{
		payload.StatusQueued:     "queued",
		payload.StatusInProgress: "in-progress",
		payload.StatusCompleted:  "ended",
		payload.StatusFailed:     "ended",
		payload.StatusNoAnswer:   "ended",
		payload.StatusBusy:       "ended",
		payload.StatusVoicemail:  "ended",
		payload.StatusCanceled:   "ended",
	}
	statusReasonOut = payload.Table{
		payload.StatusNoAnswer:  "customer-did-not-answer",
		payload.StatusBusy:      "customer-busy",
		payload.StatusVoicemail: "voicemail",
		payload.StatusCanceled:  "manually-canceled",
		payload.StatusFailed:    "pipeline-error-unknown",
	}
	endOut = payload.Reverse(endTable)
)

// endReason maps endedReason; the families Vapi keeps adding to are
// matched by shape.
func endReason(r *payload.Reader, raw string) string {
	raw = strings.TrimSpace(raw)
	if v, ok := endTable[raw]; ok {
		return v
	}
	switch {
	case raw == "":
		return ""
	case strings.HasPrefix(raw, "customer-ended-call"):
		return payload.EndCallerHangup
	case strings.HasPrefix(raw, "assistant-ended-call"):
		return payload.EndAgentHangup
	case strings.Contains(raw, "failed-to-connect"):
		return payload.EndDialFailed
	case strings.Contains(raw, "error") || strings.Contains(raw, "fault"):
		return payload.EndError
	}
	return r.Map(nil, raw, "message.endedReason")
}

// Decode implements providers.Adapter.
func (Provider) Decode(body []byte, def *workflow.Definition) (*event.Inbound, error) {
	r := payload.NewReader(Name)
	root := r.Parse(body)
	if r.Failed() {
		return nil, r.Err()
	}
	msg := r.Object(root, "message")
	// at is the path of the message object: Vapi's structured-outputs
	// guide also shows the end of a call unwrapped, as
	// {"type": "call.ended", "call": {"artifact": {"structuredOutputs": …}}}.
	at := []string{"message"}
	if msg == nil && !r.Failed() {
		if _, typed := root["type"]; typed {
			msg, at = root, nil
		} else {
			r.Fail("the body has no message object; Vapi server messages are {\"message\": {...}}")
		}
	}
	if r.Failed() {
		return nil, r.Err()
	}
	switch t := r.String(msg, "type"); {
	case r.Failed():
		return nil, r.Err()
	case t == "":
		r.Fail("message.type is missing; Vapi names every server message's type")
		return nil, r.Err()
	case at == nil && t == UnwrappedType:
	case at == nil && t == MessageType:
		r.Fail("the body has no message object; Vapi sends %s as {\"message\": {\"type\": %q, ...}}", MessageType, MessageType)
		return nil, r.Err()
	case at == nil:
		return nil, providers.Ignored(Name, t, UnwrappedType)
	case t != MessageType:
		// IgnoredMessages, or a later type: acknowledged unread.
		return nil, providers.Ignored(Name, t, MessageType)
	}
	call := r.Object(msg, "call")
	if call == nil {
		r.Fail("message.call is missing; it carries the call id")
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	in.Call.ID = r.ID(root, append(at, "call", "id")...)

	switch r.String(call, "type") {
	case "inboundPhoneCall":
		in.Call.Direction = "inbound"
	case "outboundPhoneCall":
		in.Call.Direction = "outbound"
	}
	customer := first(r.Object(msg, "customer"), r.Object(call, "customer"))
	number := first(r.Object(msg, "phoneNumber"), r.Object(call, "phoneNumber"))
	customerNumber := strings.TrimSpace(r.String(customer, "number"))
	ourNumber := strings.TrimSpace(r.String(number, "number"))
	if in.Call.Direction == "outbound" {
		in.CallerFrom, in.CalledTo = ourNumber, customerNumber
	} else {
		in.CallerFrom, in.CalledTo = customerNumber, ourNumber
	}
	// customer.number is the customer in both directions.
	in.CallerPhone = r.Caller(customerNumber, "customer.number")

	rawReason := r.String(msg, "endedReason")
	if rawReason == "" {
		rawReason = r.String(call, "endedReason")
	}
	in.Call.EndReason = endReason(r, rawReason)
	status := r.Map(statusTable, r.String(call, "status"), "message.call.status")
	if status == "" {
		status = payload.StatusCompleted
	}
	if s, ok := reasonStatus[in.Call.EndReason]; ok && (status == payload.StatusCompleted || status == payload.StatusFailed) {
		status = s
	}
	in.Call.Status = status

	startRaw, _ := payload.Get(msg, "startedAt")
	if startRaw == nil {
		startRaw, _ = payload.Get(call, "startedAt")
	}
	endRaw, _ := payload.Get(msg, "endedAt")
	if endRaw == nil {
		endRaw, _ = payload.Get(call, "endedAt")
	}
	in.Call.StartedAt = r.Time(startRaw, "startedAt")
	if d, ok := r.Number(root, append(at, "durationSeconds")...); ok {
		in.Call.DurationS = r.Seconds(d, time.Second, strings.Join(append(at, "durationSeconds"), "."))
	} else if end := r.Time(endRaw, "endedAt"); end != "" && in.Call.StartedAt != "" {
		t0, _ := time.Parse(time.RFC3339, in.Call.StartedAt)
		t1, _ := time.Parse(time.RFC3339, end)
		in.Call.DurationS = r.Elapsed(t1.Sub(t0).Seconds(), time.Second, "endedAt")
	}

	name := OutputName(def.ID)
	for _, holder := range []payload.Object{msg, call} {
		outputs := r.Object(holder, "artifact", "structuredOutputs")
		ids := make([]string, 0, len(outputs))
		for id := range outputs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		// Pass 1: the workflow's own output; pass 2: other object results;
		// pass 3: outputs named after one field.
		for pass := 1; pass <= 3; pass++ {
			for _, id := range ids {
				out, ok := outputs[id].(map[string]any)
				if !ok {
					continue
				}
				n, _ := out["name"].(string)
				result, isObject := out["result"].(map[string]any)
				switch {
				case pass == 1 && n == name && isObject:
					r.TakeFields(in.Fields, result, def, "the structured output named after the workflow")
				case pass == 2 && n != name && isObject:
					r.TakeFields(in.Fields, result, def, "a structured output")
				case pass == 3 && !isObject:
					if _, isField := def.Field(n); isField {
						if _, done := in.Fields[n]; !done {
							in.Fields[n] = out["result"]
						}
					}
				}
			}
		}
	}
	for _, holder := range []payload.Object{msg, call} {
		if data := r.Object(holder, "analysis", "structuredData"); data != nil {
			r.TakeFields(in.Fields, data, def, "analysis.structuredData")
		}
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

func first(objs ...payload.Object) payload.Object {
	for _, o := range objs {
		if o != nil {
			return o
		}
	}
	return nil
}

// Encode implements providers.Adapter: an end-of-call-report whose
// structured output is named after the workflow.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	call := map[string]any{"id": in.Call.ID, "status": statusOut.Lookup(in.Call.Status)}
	customerNumber, ourNumber := in.CallerFrom, in.CalledTo
	switch in.Call.Direction {
	case "inbound":
		call["type"] = "inboundPhoneCall"
	case "outbound":
		call["type"] = "outboundPhoneCall"
		customerNumber, ourNumber = in.CalledTo, in.CallerFrom
	}
	reason := endOut.Lookup(in.Call.EndReason)
	if r, ok := statusReasonOut[in.Call.Status]; ok && in.Call.EndReason == "" {
		reason = r
	}
	if reason == "" {
		reason = "customer-ended-call"
		if in.Call.Status == payload.StatusCompleted || in.Call.Status == "" {
			reason = "assistant-ended-call"
		}
	}
	fields := in.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	msg := map[string]any{
		"type":        MessageType,
		"endedReason": reason,
		"call":        call,
		"artifact": map[string]any{
			"structuredOutputs": map[string]any{
				"so_callspec": map[string]any{"name": OutputName(def.ID), "result": fields},
			},
		},
		"analysis": map[string]any{},
	}
	if customerNumber != "" {
		msg["customer"] = map[string]any{"number": customerNumber}
	}
	if ourNumber != "" {
		msg["phoneNumber"] = map[string]any{"number": ourNumber}
	}
	if in.Call.StartedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt)
		if err != nil {
			return nil, fmt.Errorf("encode vapi: started_at is not RFC 3339: %w", err)
		}
		msg["startedAt"] = t.UTC().Format(time.RFC3339Nano)
		msg["endedAt"] = t.Add(time.Duration(in.Call.DurationS) * time.Second).UTC().Format(time.RFC3339Nano)
	} else {
		msg["durationSeconds"] = in.Call.DurationS
	}
	return payload.Marshal(map[string]any{"message": msg})
}

// Verify implements providers.Adapter.
func (p Provider) Verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	if err := signature.RequireSecret(secret); err != nil {
		return err
	}
	if p.auth != HMAC {
		return p.verifySecret(secret, h)
	}
	sig := strings.TrimSpace(h.Get(SignatureHeader))
	ts := strings.TrimSpace(h.Get(TimestampHeader))
	if sig == "" || ts == "" {
		return signature.Errorf("the %s or %s header is missing; attach an HMAC webhook credential to the assistant's server", SignatureHeader, TimestampHeader)
	}
	at, ok := signature.ParseUnix(ts)
	if !ok {
		return signature.Errorf("the %s header is not a Unix timestamp", TimestampHeader)
	}
	if err := signature.CheckTime(at, now); err != nil {
		return err
	}
	sig = strings.TrimPrefix(sig, "sha256=")
	if !signature.EqualHex(sig, signature.HMACSHA256(secret, []byte(ts), []byte("."), body)) {
		return signature.Errorf("the %s digest does not match the body (wrong secret, or the body changed)", SignatureHeader)
	}
	return nil
}

// verifySecret checks the secret the bearer credential sends: in
// Authorization as a bearer token, or raw in X-Vapi-Secret.
func (p Provider) verifySecret(secret []byte, h http.Header) error {
	got := ""
	if p.auth == Header {
		got = strings.Trim(h.Get(LegacySecretHeader), signature.Blanks)
		if got == "" {
			return signature.Errorf("the %s header is missing; attach a bearer credential with headerName %s and bearerPrefixEnabled false", LegacySecretHeader, LegacySecretHeader)
		}
	} else {
		scheme, token, ok := strings.Cut(strings.Trim(h.Get(AuthorizationHeader), signature.Blanks), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return signature.Errorf("the %s header is missing or not a bearer token; attach a bearer credential to the assistant's server", AuthorizationHeader)
		}
		got = strings.Trim(token, signature.Blanks)
	}
	return signature.SharedSecret{}.Verify(secret, http.Header{signature.SharedSecretHeader: {got}}, nil, time.Time{})
}

// Sign implements providers.Adapter.
func (p Provider) Sign(secret []byte, body []byte, now time.Time) (http.Header, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("sign vapi: the webhook secret is empty")
	}
	h := http.Header{}
	if p.auth != HMAC {
		secret = bytes.Trim(secret, signature.Blanks) // HTTP would drop them anyway
		if len(secret) == 0 {
			return nil, fmt.Errorf("sign vapi: the webhook secret is blank")
		}
		if strings.ContainsAny(string(secret), "\r\n\x00") {
			return nil, fmt.Errorf("sign vapi: the secret cannot be sent in a header because it contains a line break or NUL")
		}
		if p.auth == Header {
			h.Set(LegacySecretHeader, string(secret))
		} else {
			h.Set(AuthorizationHeader, "Bearer "+string(secret))
		}
		return h, nil
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	h.Set(TimestampHeader, ts)
	h.Set(SignatureHeader, fmt.Sprintf("%x", signature.HMACSHA256(secret, []byte(ts), []byte("."), body)))
	return h, nil
}

// SharedSecretOnly implements providers.SharedSecretScheme: with a bearer
// credential the secret itself is sent.
func (p Provider) SharedSecretOnly() bool { return p.auth != HMAC }

// SignatureScheme implements providers.Adapter.
func (p Provider) SignatureScheme() string {
	switch p.auth {
	case Bearer:
		return "Vapi bearer credential: the secret arrives as Authorization: Bearer <secret> and is compared in constant time; it protects neither the body nor against replays."
	case Header:
		return "Vapi's legacy X-Vapi-Secret setup (a bearer credential with headerName X-Vapi-Secret, no prefix): the raw secret arrives in X-Vapi-Secret and is compared in constant time; it protects neither the body nor against replays."
	}
	return "Vapi HMAC webhook credential (type hmac, algorithm sha256, Vapi's default headers and payload format): x-signature is the hex HMAC-SHA256 of \"{timestamp}.{body}\" keyed with the webhook secret, x-timestamp the Unix time (seconds or milliseconds); callspec accepts timestamps within ±5 minutes."
}
