package callcow_test

import (
	"encoding/json"
	"github.com/callspec/callspec/kernel/workflow"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers/callcow"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var p = callcow.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

// TestDecodeSeed decodes seed 003 as published: a browser call, context as
// a JSON string whose keys are not fields of the workflow, status
// not_picked_up and a timestamp without a zone.
func TestDecodeSeed(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	body := providertest.ReadTestdata(t, "seed_003.json")
	in, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	c := in.Call
	if c.ID != "e0f4c895-e3ea-416a-a98a-578e82868473" || c.Status != "no_answer" || c.StartedAt != "2026-01-30T14:48:36Z" || c.Direction != "" {
		t.Errorf("call %+v", c)
	}
	if in.CallerPhone != "" || in.CallerFrom != "" || in.CalledTo != "" {
		t.Errorf("a browser call has no numbers: %q %q %q", in.CallerPhone, in.CallerFrom, in.CalledTo)
	}
	if len(in.Fields) != 0 {
		t.Errorf("fields %v, want none: context holds name/email/number only", in.Fields)
	}
	providertest.NoLeak(t, body, in.Notes...)
	ev := w.Decide(t, in)
	if ev.Event != event.Handoff || ev.Handoff.Reason != event.NoAnswer {
		t.Fatalf("got %s %+v, want no_answer (the call was not picked up)", ev.Event, ev.Handoff)
	}
}

func TestDecodeContextFields(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	body := `{"call_id":"c1","phone_number_from":"+15557654321","phone_number_to":"+14165551234","call_status":"success",
		"context":"{\"interested\": \"yes\", \"do_not_call\": false, \"email\": \"lead@example.com\"}","created_at":"2026-01-30T14:48:36.371886"}`
	in, err := p.Decode([]byte(body), w.Def)
	if err != nil {
		t.Fatal(err)
	}
	ev := w.Decide(t, in)
	if ev.Event != event.Completed || ev.Fields["interested"] != true || ev.Fields["do_not_call"] != false {
		t.Fatalf("got %s %v %+v", ev.Event, ev.Fields, ev.Handoff)
	}
	if ev.Caller.PhoneE164 != "+15557654321" || ev.Call.Status != "completed" {
		t.Errorf("caller %q status %q", ev.Caller.PhoneE164, ev.Call.Status)
	}
	providertest.NoLeak(t, []byte(body), in.Notes...)
}

// TestDecodeOutbound: CallCow sends no direction, but an outbound
// workflow is started with the number it dials in context. When that is
// phone_number_to, the customer is the called number, not the business
// line the call came from.
func TestDecodeOutbound(t *testing.T) {
	const business, customer = "+15557654321", "+14165551234"
	w := providertest.Get(t, "outbound_lead_follow_up")
	tests := []struct {
		name, number, direction, caller string
	}{
		{"context number is the called number", customer, "outbound", customer},
		{"context number written with spaces", "+1 416 555 1234", "outbound", customer},
		{"context number is another number", "+14165550000", "", business},
		{"context number is not E.164", "416 555 1234", "", business},
		{"no context number", "", "", business},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, _ := json.Marshal(map[string]any{"name": "Lead", "number": tc.number})
			body, _ := json.Marshal(map[string]any{"call_id": "c1", "phone_number_from": business, "phone_number_to": customer,
				"call_status": "success", "context": string(ctx), "created_at": "2026-01-30T14:48:36.371886"})
			in, err := p.Decode(body, w.Def)
			if err != nil {
				t.Fatal(err)
			}
			if in.Call.Direction != tc.direction || in.CallerPhone != tc.caller {
				t.Errorf("direction %q caller %q, want %q %q", in.Call.Direction, in.CallerPhone, tc.direction, tc.caller)
			}
			if in.CallerFrom != business || in.CalledTo != customer {
				t.Errorf("call.from %q call.to %q, want %q %q", in.CallerFrom, in.CalledTo, business, customer)
			}
			if ev := w.Decide(t, in); ev.Caller.PhoneE164 != tc.caller {
				t.Errorf("event caller %q, want %q", ev.Caller.PhoneE164, tc.caller)
			}
		})
	}
}

// TestEncodeOutbound: an outbound call encodes the called number into
// context, so the delivery decodes as outbound with the customer as caller.
func TestEncodeOutbound(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	in := &event.Inbound{Call: event.Call{ID: "c1", Provider: callcow.Name, Status: "completed", Direction: "outbound"},
		CallerFrom: "+15557654321", CalledTo: "+14165551234", CallerPhone: "+14165551234", Fields: map[string]any{"interested": true}}
	body, err := p.Encode(in, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := in.Fields[callcow.ContextNumber]; ok {
		t.Error("Encode changed the inbound's fields")
	}
	out, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	if out.Call.Direction != "outbound" || out.CallerPhone != "+14165551234" || out.Fields["interested"] != true {
		t.Errorf("decoded direction %q caller %q fields %v from %s", out.Call.Direction, out.CallerPhone, out.Fields, body)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p.WithAuth(workflow.AuthHeader), []byte("shared-secret-value"), false, false)
}
