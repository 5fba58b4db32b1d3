// Package callcow is the CallCow platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package callcowconfig, which a
// deployed handler does not import.
//
// # Config
//
// CallCow has no extraction API: its webhook is created in the dashboard's
// Integration tab and referenced from the workflow's metadata, so Config
// returns nil and no providers/callcow.json is written. CallCow is
// transcript-only: the post-call body has a summary and the messages but
// no typed values. The one structured part is context, the JSON the
// workflow was started with; callspec takes a field from it when a context
// key equals the field's name. Every field of a workflow that targets
// callcow is therefore reported by target-unsupported, since it arrives
// only when the caller of the CallCow workflow puts it into context.
//
// # Inbound
//
// The body is the flat object of seed 003: call_id, workflow_id (CallCow's
// own id, not the callspec workflow), workflow_name, phone_number_from,
// phone_number_to ("browser" for web calls), call_status, call_summary,
// messages, context (a JSON-encoded string; an object is accepted too)
// and created_at (ISO 8601 without a time zone, read as UTC).
//
// Status mapping (call_status): success → completed, not_picked_up →
// no_answer; canonical values pass as they are and anything else passes
// through unchanged. CallCow sends no end reason or duration.
//
// CallCow sends no direction either. A CallCow workflow that dials out is
// started with the number to call in its context (seed 003:
// {"name", "email", "number"}), so a call whose context number is
// phone_number_to is outbound, and caller.phone_e164 is that called
// number: the customer, not the business line in phone_number_from. Any
// other call is read as inbound (caller.phone_e164 is phone_number_from)
// and its direction is left out.
//
// # Signature
//
// CallCow documents no webhook signing.
// CallCow documents no custom headers, so by default (auth url_token) the
// secret is a token in the URL path: the webhook URL is
// <webhook.url>/callcow/<token>, the token being the platform's secret
// (webhook.platforms.callcow.secret, default webhook.secret). The handler
// compares it in constant time and never logs it; signature_status is
// url_token. The opt-in auth header expects X-Callspec-Secret instead, for
// a webhook or a proxy that can add it.
package callcow

import (
	"maps"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "callcow"

func init() { providers.Register(Provider{}) }

// Provider is CallCow.
type Provider struct{ signature.Unsigned }

// WithAuth implements providers.AuthSelector: url_token (the default) or
// header (X-Callspec-Secret, for a webhook that takes custom headers).
func (Provider) WithAuth(mode string) providers.Adapter {
	return Provider{signature.Unsigned{Header: mode == workflow.AuthHeader}}
}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

var (
	statusTable = payload.Table{
		"success":       payload.StatusCompleted,
		"not_picked_up": payload.StatusNoAnswer,
	}
	statusOut = payload.Reverse(statusTable)
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
	in.Call.ID = r.ID(root, "call_id")
	in.Call.Status = r.Map(statusTable, r.String(root, "call_status"), "call_status")
	if in.Call.Status == "" {
		in.Call.Status = payload.StatusCompleted
	}
	created, _ := payload.Get(root, "created_at")
	in.Call.StartedAt = r.Time(created, "created_at")

	ctx := workflowContext(r, root)
	if ctx != nil {
		r.TakeFields(in.Fields, ctx, def, "context")
	}
	from := strings.TrimSpace(r.String(root, "phone_number_from"))
	to := strings.TrimSpace(r.String(root, "phone_number_to"))
	if dialled(ctx, to) {
		in.Call.Direction = "outbound"
	}
	in.CallerPhone = r.Customer(in.Call.Direction, from, "phone_number_from", to, "phone_number_to")
	in.CallerFrom, in.CalledTo = number(from), number(to)
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// workflowContext reads context, the JSON the CallCow workflow was
// started with: a JSON-encoded string (read as strictly as the body), or
// an object. It returns nil when there is none, with a note when the
// value cannot be used.
func workflowContext(r *payload.Reader, root payload.Object) payload.Object {
	switch ctx := root["context"].(type) {
	case nil:
	case string:
		return r.Embedded(ctx, "context")
	case map[string]any:
		return ctx
	default:
		r.Note("context is neither a JSON string nor an object, so no field was taken from it")
	}
	return nil
}

// ContextNumber is the context key that holds the number an outbound
// CallCow workflow dials (seed 003).
const ContextNumber = "number"

// dialled reports whether the call went to the number the workflow was
// started with, which makes it an outbound call.
func dialled(ctx payload.Object, to string) bool {
	n, _ := ctx[ContextNumber].(string)
	n, to = workflow.NormalizePhone(n), workflow.NormalizePhone(to)
	return workflow.IsE164(n) && n == to
}

// number is phone_number_from or phone_number_to as call.from and call.to
// see it: "browser" (a web call) is no number.
func number(raw string) string {
	if strings.EqualFold(raw, "browser") {
		return ""
	}
	return raw
}

// Encode implements providers.Adapter: a body in the shape of seed 003,
// with the fields in context. An outbound call also puts the called
// number into context, as CallCow does, which is how Decode tells the
// direction.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	fields := maps.Clone(in.Fields)
	if fields == nil {
		fields = map[string]any{}
	}
	if _, taken := fields[ContextNumber]; !taken && in.Call.Direction == "outbound" && in.CalledTo != "" {
		fields[ContextNumber] = in.CalledTo
	}
	ctx, err := payload.Marshal(fields)
	if err != nil {
		return nil, err
	}
	created := ""
	if in.Call.StartedAt != "" {
		if t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt); err == nil {
			created = t.UTC().Format("2006-01-02T15:04:05.000000")
		}
	}
	from, to := in.CallerFrom, in.CalledTo
	if from == "" {
		from = "browser"
	}
	if to == "" {
		to = "browser"
	}
	return payload.Marshal(map[string]any{
		"call_id":           in.Call.ID,
		"workflow_id":       def.ID,
		"workflow_name":     def.ID,
		"phone_number_from": from,
		"phone_number_to":   to,
		"call_status":       statusOut.Lookup(in.Call.Status),
		"call_summary":      "",
		"messages":          []any{},
		"context":           string(ctx),
		"created_at":        created,
	})
}

// SignatureScheme implements providers.Adapter.
func (p Provider) SignatureScheme() string { return p.Scheme("CallCow") }
