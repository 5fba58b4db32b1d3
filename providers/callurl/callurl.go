// Package callurl is CallURL's run-time adapter; CallURL's webhook body is
// callspec's own canonical event format. The configuration described
// under Config (and the schema importer) is package callurlconfig, which
// a deployed handler does not import.
//
// # Config
//
// generated/<id>/providers/callurl.json is the structured output schema in
// the format of seeds 000 and 001:
//
//	{"outcome": "<title> outcome",
//	 "fields": [{"description", "name", "required", "type"}, …],
//	 "webhook_url": "<webhook url>"}
//
// with each field's type written as the spec type (text, number, integer,
// boolean, enum, phone, email, date, datetime, list), since CallURL's types
// are callspec's; enums add "values" and lists add "items". Nothing is
// lost. callspec import callurl FILE reads this format back (see
// callurlconfig.ParseSchema).
//
// # Inbound
//
// The body is a canonical event, as callspec forwards it or as seed 000
// shows it: {"event", "workflow_id", "call": {id, provider, status,
// end_reason, direction, started_at, duration_s}, "caller": {"phone_e164"},
// "fields": {…}}. Every key is optional except that, when present, event
// must be call_app.completed or call_app.handoff and workflow_id must be
// the workflow the handler serves. call.status and call.end_reason are
// already canonical and pass through; call.provider is always "callurl"
// (the route it arrived on). A body without call.id (seed 000 has none)
// gets "sha256:" and the first 32 hex digits of the body's SHA-256, so
// redeliveries of one body share an idempotency key (noted). A handoff
// block in the body (seed 001) is not used: callspec decides handoffs from
// the workflow's own rules (noted). caller.phone_e164 is already the
// customer; the canonical event has no raw numbers, so it is call.from on
// an inbound call and call.to on an outbound one (the business line is
// unknown and left empty).
//
// # Signature
//
// Standard Webhooks (v1, symmetric): webhook-id, webhook-timestamp (Unix
// seconds) and webhook-signature (space-separated "v1,<base64>" entries;
// any match is accepted, for key rotation), HMAC-SHA256 over
// "<id>.<timestamp>.<body>", ±5 minutes. A secret written "whsec_<base64>"
// is base64-decoded to the key; any other secret is used as raw bytes.
package callurl

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
	"github.com/callspec/callspec/runtime/stdwebhooks"
)

// Name is the provider's name.
const Name = "callurl"

// Standard Webhooks headers.
const (
	HeaderID        = "Webhook-Id"
	HeaderTimestamp = "Webhook-Timestamp"
	HeaderSignature = "Webhook-Signature"
)

// SecretPrefix marks a base64 Standard Webhooks secret.
const SecretPrefix = "whsec_"

func init() { providers.Register(Provider{}) }

// Provider is CallURL.
type Provider struct{}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

// Decode implements providers.Adapter.
func (Provider) Decode(body []byte, def *workflow.Definition) (*event.Inbound, error) {
	r := payload.NewReader(Name)
	root := r.Parse(body)
	if r.Failed() {
		return nil, r.Err()
	}
	switch ev := r.String(root, "event"); ev {
	case "", event.Completed, event.Handoff:
	default:
		r.Fail("event must be %s or %s", event.Completed, event.Handoff)
	}
	if id := r.String(root, "workflow_id"); id != "" && id != def.ID {
		r.Fail("workflow_id names another workflow than %s, which this handler serves", def.ID)
	}
	call := r.Object(root, "call")
	caller := r.Object(root, "caller")
	fields := r.Object(root, "fields")
	if r.Failed() {
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	if _, ok := payload.Get(call, "id"); ok {
		in.Call.ID = r.ID(root, "call", "id")
	} else {
		sum := sha256.Sum256(body)
		in.Call.ID = "sha256:" + hex.EncodeToString(sum[:16])
		r.Note("call.id is missing, so the call id was derived from the body's SHA-256")
	}
	in.Call.Status = r.Map(nil, r.String(root, "call", "status"), "call.status")
	if in.Call.Status == "" {
		in.Call.Status = payload.StatusCompleted
	}
	in.Call.EndReason = strings.TrimSpace(r.String(root, "call", "end_reason"))
	in.Call.Direction = r.Direction(r.String(root, "call", "direction"), "call.direction")
	started, _ := payload.Get(root, "call", "started_at")
	in.Call.StartedAt = r.Time(started, "call.started_at")
	if d, ok := r.Number(root, "call", "duration_s"); ok {
		in.Call.DurationS = r.Seconds(d, time.Second, "call.duration_s")
	}
	phone := strings.TrimSpace(r.String(caller, "phone_e164"))
	in.CallerPhone = r.Caller(phone, "caller.phone_e164")
	if in.Call.Direction == "outbound" {
		in.CalledTo = in.CallerPhone
	} else {
		in.CallerFrom = in.CallerPhone
	}
	if fields != nil {
		r.TakeFields(in.Fields, fields, def, "fields")
	}
	if _, ok := root["handoff"]; ok {
		r.Note("the body's handoff block was not used; callspec decides handoffs from the workflow's rules")
	} else if _, ok := root["handoff_reason"]; ok {
		r.Note("the body's handoff block was not used; callspec decides handoffs from the workflow's rules")
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// WorkflowHint implements providers.WorkflowHinter: the body's
// workflow_id, or "". The body is read as strictly as Decode reads it, so
// that the workflow chosen is the one Decode would see.
func (Provider) WorkflowHint(body []byte) string {
	r := payload.NewReader(Name)
	id, _ := payload.Get(r.Parse(body), "workflow_id")
	s, _ := id.(string)
	return s
}

// Encode implements providers.Adapter: the inbound part of a canonical
// event (no decision: the receiver makes it).
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	fields := in.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	call := map[string]any{"id": in.Call.ID, "provider": Name, "status": in.Call.Status, "duration_s": in.Call.DurationS}
	if in.Call.EndReason != "" {
		call["end_reason"] = in.Call.EndReason
	}
	if in.Call.Direction != "" {
		call["direction"] = in.Call.Direction
	}
	if in.Call.StartedAt != "" {
		call["started_at"] = in.Call.StartedAt
	}
	caller := map[string]any{}
	if in.CallerPhone != "" {
		caller["phone_e164"] = in.CallerPhone
	}
	return payload.Marshal(map[string]any{"workflow_id": def.ID, "call": call, "caller": caller, "fields": fields})
}

// Key turns a secret into the HMAC key: a whsec_ secret is base64-decoded,
// anything else is used as it is.
func Key(secret []byte) ([]byte, error) {
	s := string(secret)
	if !strings.HasPrefix(s, SecretPrefix) {
		return secret, nil
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, SecretPrefix))
	if err != nil {
		return nil, errors.New("the whsec_ secret is not valid base64")
	}
	if len(k) == 0 {
		return nil, errors.New("the whsec_ secret is empty")
	}
	return k, nil
}

// Verify implements providers.Adapter.
func (Provider) Verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	if err := signature.RequireSecret(secret); err != nil {
		return err
	}
	key, err := Key(secret)
	if err != nil {
		return signature.Errorf("%s", err.Error())
	}
	if _, err := stdwebhooks.Verify(h, body, now, signature.Tolerance, key); err != nil {
		switch {
		case errors.Is(err, stdwebhooks.ErrMissingHeaders):
			return signature.Errorf("one of the %s, %s and %s headers is missing", HeaderID, HeaderTimestamp, HeaderSignature)
		case errors.Is(err, stdwebhooks.ErrTimestamp):
			return signature.Errorf("the %s header is not a Unix time in seconds within %v of now", HeaderTimestamp, signature.Tolerance)
		}
		return signature.Errorf("no v1 entry of %s matches the body (wrong secret, or the body changed)", HeaderSignature)
	}
	return nil
}

// Sign implements providers.Adapter with a fresh random message id.
func (p Provider) Sign(secret []byte, body []byte, now time.Time) (http.Header, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("sign callurl: %w", err)
	}
	return SignWithID(secret, "msg_"+hex.EncodeToString(b[:]), body, now)
}

// SignWithID signs body as message id, which must stay the same across
// retries of one delivery.
func SignWithID(secret []byte, id string, body []byte, now time.Time) (http.Header, error) {
	if len(secret) == 0 {
		return nil, errors.New("sign callurl: the webhook secret is empty")
	}
	key, err := Key(secret)
	if err != nil {
		return nil, fmt.Errorf("sign callurl: %w", err)
	}
	h := http.Header{}
	stdwebhooks.SetHeaders(h, key, id, now, body)
	return h, nil
}

// SignatureScheme implements providers.Adapter.
func (Provider) SignatureScheme() string {
	return "Standard Webhooks v1: webhook-signature holds v1,<base64 HMAC-SHA256 of \"<webhook-id>.<webhook-timestamp>.<body>\"> (several space-separated entries during key rotation), keyed with the whsec_ secret; callspec accepts timestamps within ±5 minutes."
}
