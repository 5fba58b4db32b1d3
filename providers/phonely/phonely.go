// Package phonely is the Phonely platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package phonelyconfig, which a
// deployed handler does not import.
//
// # Config
//
// Phonely is configured in its dashboard: a "Send Call Data" post-call
// action on the agent's workflow, with the webhook URL and either the full
// call payload or a custom body. There is no typed extraction API, so
// Config returns nil and no providers/phonely.json is written.
//
// # Inbound
//
// The standard body is Phonely's CallSummaryResponse (seed 004 and
// shared/vendors/phonely-openapi.json): flat camelCase keys, no envelope.
// Fields are taken, first match wins, from
//
//  1. a top-level key equal to a field name (what a custom body sends);
//  2. the alias table below;
//  3. a top-level key whose lower_snake form equals a field name
//     (mentionedEmail → mentioned_email, callerName → caller_name).
//
// Alias table (Phonely key → spec field):
//
//	followUp   follow_up_required   ("Indicator if follow-up is required", a string such as "true"/"yes")
//	summary    call_summary
//	longSummary call_summary_long
//	purpose    call_purpose
//
// A workflow's field that none of these reach is reported by
// target-unsupported: it arrives only when the custom body sends it.
//
// Call: callId, callDirection (inbound/outbound), customerPhoneNumber and
// businessPhoneNumber (from/to by direction; inbound when absent;
// caller.phone_e164 is customerPhoneNumber in both directions),
// callStarted (date-time, to UTC), duration in seconds (else
// callEnded − callStarted).
//
// Status mapping: Phonely sends the webhook after a call completes and has
// no status field, so call.status is completed, unless endedReason says
// otherwise: a reason containing "voicemail" → voicemail, "did-not-answer"
// or "no-answer" → no_answer, "busy" → busy, "error", "fault" or "failed"
// → failed (as Vapi's reasons, which Phonely's resemble). Phonely does not
// publish its endedReason values, so call.end_reason is endedReason
// unchanged.
//
// # Signature
//
// Phonely documents no webhook signing.
// Phonely documents no custom headers, so by default (auth url_token) the
// secret is a token in the URL path: the webhook URL is
// <webhook.url>/phonely/<token>, the token being the platform's secret
// (webhook.platforms.phonely.secret, default webhook.secret). The handler
// compares it in constant time and never logs it; signature_status is
// url_token. The opt-in auth header expects X-Callspec-Secret instead, for
// a webhook or a proxy that can add it.
package phonely

import (
	"slices"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "phonely"

func init() { providers.Register(Provider{}) }

// Provider is Phonely.
type Provider struct{ signature.Unsigned }

// WithAuth implements providers.AuthSelector: url_token (the default) or
// header (X-Callspec-Secret, for a webhook that takes custom headers).
func (Provider) WithAuth(mode string) providers.Adapter {
	return Provider{signature.Unsigned{Header: mode == workflow.AuthHeader}}
}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

// StandardKeys are the keys of CallSummaryResponse.
var StandardKeys = []string{
	"agentName", "mentionedEmail", "unansweredQuestions", "actionItems", "followUpReason", "followUp",
	"recordingUrl", "dashboardUrl", "purpose", "sentiment", "transcriptText", "transcript", "mentionedDate",
	"businessPhoneNumber", "keyPoints", "topic", "longSummary", "callId", "ai_success", "customerPhoneNumber",
	"callStarted", "callEnded", "duration", "callerName", "callDirection", "mentionedTime", "summary", "endedReason",
}

// Aliases maps Phonely keys to the spec field names they fill besides
// their own lower_snake form.
var Aliases = map[string][]string{
	"followUp":    {"follow_up_required"},
	"summary":     {"call_summary"},
	"longSummary": {"call_summary_long"},
	"purpose":     {"call_purpose"},
}

// Decode implements providers.Adapter.
func (Provider) Decode(body []byte, def *workflow.Definition) (*event.Inbound, error) {
	r := payload.NewReader(Name)
	root := r.Parse(body)
	if r.Failed() {
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	in.Call.ID = r.ID(root, "callId")
	in.Call.Direction = r.Direction(r.String(root, "callDirection"), "callDirection")
	customer := strings.TrimSpace(r.String(root, "customerPhoneNumber"))
	business := strings.TrimSpace(r.String(root, "businessPhoneNumber"))
	if in.Call.Direction == "outbound" {
		in.CallerFrom, in.CalledTo = business, customer
	} else {
		in.CallerFrom, in.CalledTo = customer, business
	}
	// customerPhoneNumber is the customer in both directions.
	in.CallerPhone = r.Caller(customer, "customerPhoneNumber")

	reason := strings.TrimSpace(r.String(root, "endedReason"))
	in.Call.EndReason = reason
	lower := strings.ToLower(reason)
	switch {
	case strings.Contains(lower, "voicemail"):
		in.Call.Status = payload.StatusVoicemail
	case strings.Contains(lower, "did-not-answer"), strings.Contains(lower, "no-answer"), strings.Contains(lower, "no_answer"):
		in.Call.Status = payload.StatusNoAnswer
	case strings.Contains(lower, "busy"):
		in.Call.Status = payload.StatusBusy
	case strings.Contains(lower, "error"), strings.Contains(lower, "fault"), strings.Contains(lower, "failed"):
		// A failed call must never complete (call_failed at step 1 of the
		// decision).
		in.Call.Status = payload.StatusFailed
	default:
		in.Call.Status = payload.StatusCompleted
	}
	started, _ := payload.Get(root, "callStarted")
	in.Call.StartedAt = r.Time(started, "callStarted")
	if d, ok := r.Number(root, "duration"); ok {
		in.Call.DurationS = r.Seconds(d, time.Second, "duration")
	} else if ended, _ := payload.Get(root, "callEnded"); ended != nil && in.Call.StartedAt != "" {
		if end := r.Time(ended, "callEnded"); end != "" {
			t0, _ := time.Parse(time.RFC3339, in.Call.StartedAt)
			t1, _ := time.Parse(time.RFC3339, end)
			in.Call.DurationS = r.Elapsed(t1.Sub(t0).Seconds(), time.Second, "callEnded")
		}
	}

	keys := make([]string, 0, len(root))
	for k := range root {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	set := func(field string, v any) {
		if _, declared := def.Field(field); !declared {
			return
		}
		if _, done := in.Fields[field]; !done {
			in.Fields[field] = v
		}
	}
	for _, k := range keys {
		set(k, root[k])
	}
	for _, k := range keys {
		for _, field := range Aliases[k] {
			set(field, root[k])
		}
	}
	for _, k := range keys {
		set(payload.Snake(k), root[k])
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// Encode implements providers.Adapter: a CallSummaryResponse whose
// standard keys carry the fields they alias, with every other field as a
// custom-body key named after it.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	body := map[string]any{"callId": in.Call.ID}
	if in.Call.Direction != "" {
		body["callDirection"] = in.Call.Direction
	}
	customer, business := in.CallerFrom, in.CalledTo
	if in.Call.Direction == "outbound" {
		customer, business = in.CalledTo, in.CallerFrom
	}
	if customer != "" {
		body["customerPhoneNumber"] = customer
	}
	if business != "" {
		body["businessPhoneNumber"] = business
	}
	if in.Call.StartedAt != "" {
		if t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt); err == nil {
			body["callStarted"] = t.UTC().Format(time.RFC3339)
			body["callEnded"] = t.Add(time.Duration(in.Call.DurationS) * time.Second).UTC().Format(time.RFC3339)
		}
	}
	body["duration"] = in.Call.DurationS
	switch in.Call.Status {
	case payload.StatusVoicemail:
		body["endedReason"] = "voicemail"
	case payload.StatusNoAnswer:
		body["endedReason"] = "customer-did-not-answer"
	case payload.StatusBusy:
		body["endedReason"] = "customer-busy"
	case payload.StatusFailed:
		body["endedReason"] = "error"
		if r := strings.ToLower(in.Call.EndReason); strings.Contains(r, "error") || strings.Contains(r, "fault") || strings.Contains(r, "failed") {
			body["endedReason"] = in.Call.EndReason
		}
	default:
		if in.Call.EndReason != "" {
			body["endedReason"] = in.Call.EndReason
		}
	}
	standard := map[string]string{}
	for _, k := range StandardKeys {
		standard[payload.Snake(k)] = k
	}
	for k, names := range Aliases {
		for _, n := range names {
			standard[n] = k
		}
	}
	for name, v := range in.Fields {
		if k, ok := standard[name]; ok && k != "callId" && k != "duration" {
			if b, isBool := v.(bool); isBool && k == "followUp" {
				v = map[bool]string{true: "true", false: "false"}[b]
			}
			body[k] = v
			continue
		}
		body[name] = v
	}
	return payload.Marshal(body)
}

// SignatureScheme implements providers.Adapter.
func (p Provider) SignatureScheme() string { return p.Scheme("Phonely") }
