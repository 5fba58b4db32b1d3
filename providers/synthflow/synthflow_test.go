package synthflow_test

import (
	"encoding/json"
	"github.com/callspec/callspec/kernel/workflow"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/synthflow"
)

var p = synthflow.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

// TestDecodeSeed decodes seed 002 as published: extractor identifiers
// "user", "zip" and "annual" that match no field, return_value keys with
// spaces, null values, a redacted lead number and a start time with an
// offset.
func TestDecodeSeed(t *testing.T) {
	w := providertest.Get(t, "advising_appointment")
	body := providertest.ReadTestdata(t, "seed_002.json")
	in, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k, v := range in.Fields {
		keys = append(keys, k)
		if v != nil {
			t.Errorf("field %s = %v, want the seed's null", k, v)
		}
	}
	slices.Sort(keys)
	if want := []string{"annual_income", "email", "zip_code"}; !slices.Equal(keys, want) {
		t.Fatalf("fields %v, want %v", keys, want)
	}
	c := in.Call
	if c.ID != "[UUID]" || c.Status != "completed" || c.EndReason != "agent_hangup" || c.DurationS != 113 || c.StartedAt != "2025-10-27T09:59:46Z" {
		t.Errorf("call %+v", c)
	}
	if in.CallerPhone != "" {
		t.Errorf("the redacted lead number must not become caller.phone_e164, got %q", in.CallerPhone)
	}
	providertest.NoLeak(t, body, in.Notes...)
	ev := w.Decide(t, in)
	if ev.Event != event.Handoff || ev.Handoff.Reason != event.IncompleteCall {
		t.Fatalf("got %s %+v, want an incomplete_call handoff", ev.Event, ev.Handoff)
	}
	if want := []string{"adviser_type", "name", "email"}; !slices.Equal(ev.Handoff.MissingFields, want) {
		t.Errorf("missing %v, want %v", ev.Handoff.MissingFields, want)
	}
}

// TestDecodeSeedWithValues is seed 002 with the extractors' values filled
// in, as a call that went well would send them.
func TestDecodeSeedWithValues(t *testing.T) {
	w := providertest.Get(t, "advising_appointment")
	body := providertest.ReadTestdata(t, "seed_002.json")
	body = replace(t, body, `"user email": null`, `"user email": "julian.park@example.com"`)
	body = replace(t, body, `"zip code": null`, `"zip code": "94105"`)
	body = replace(t, body, `"annual income": null`, `"annual income": "60,000"`)
	in, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	in.Fields["adviser_type"] = "Academic"
	in.Fields["name"] = "Julian Park"
	ev := w.Decide(t, in)
	if ev.Event != event.Completed {
		t.Fatalf("got %s %+v, want completed", ev.Event, ev.Handoff)
	}
	if ev.Fields["email"] != "julian.park@example.com" || ev.Fields["zip_code"] != "94105" || ev.Fields["annual_income"] != 60000.0 || ev.Fields["adviser_type"] != "academic" {
		t.Errorf("fields %v", ev.Fields)
	}
}

func replace(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	s := string(b)
	if !strings.Contains(s, old) {
		t.Fatalf("%q not in the seed", old)
	}
	return []byte(strings.ReplaceAll(s, old, new))
}

func TestDecodeMatchesByIdentifierFirst(t *testing.T) {
	w := providertest.Get(t, "advising_appointment")
	body := `{"call":{"call_id":"c1","status":"no-answer","end_call_reason":"undefined"},"executed_actions":{
		"extract_info_Best Email":{"name":"extract_info_Best Email","action_type":"extract_info_action_type","parameters_hard_coded":{"identifier":"email"},"return_value":{"Best Email":"a@example.com"}},
		"extract_info_whatever":{"name":"extract_info_whatever","action_type":"extract_info_action_type","parameters_hard_coded":{"identifier":"nothing"},"return_value":{"whatever":"x"}},
		"book":{"name":"book_appointment","action_type":"real_time_booking","return_value":{"email":"not@this.one"}}}}`
	in, err := p.Decode([]byte(body), w.Def)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Fields) != 1 || in.Fields["email"] != "a@example.com" {
		t.Errorf("fields %v, want only email from the extractor whose identifier is email", in.Fields)
	}
	if in.Call.Status != "no_answer" || in.Call.EndReason != "" {
		t.Errorf("call %+v", in.Call)
	}
	if len(in.Notes) != 1 {
		t.Errorf("want one note for the extractor that matched nothing, got %q", in.Notes)
	}
}

// TestOutboundLead: the lead is the customer in both directions, so an
// outbound call encodes the dialled number as lead.phone_number and
// decodes it back as caller.phone_e164, never the agent's own line.
func TestOutboundLead(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	in := &event.Inbound{Call: event.Call{ID: "c1", Provider: synthflow.Name, Status: "completed", Direction: "outbound"},
		CallerFrom: "+15557654321", CalledTo: "+14165551234", Fields: map[string]any{}}
	body, err := p.Encode(in, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Lead struct {
			PhoneNumber string `json:"phone_number"`
		} `json:"lead"`
	}
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Lead.PhoneNumber != "+14165551234" {
		t.Errorf("lead.phone_number %q, want the dialled customer", sent.Lead.PhoneNumber)
	}
	out, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	if ev := w.Decide(t, out); ev.Caller.PhoneE164 != "+14165551234" {
		t.Errorf("caller %q, want the dialled customer", ev.Caller.PhoneE164)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p.WithAuth(workflow.AuthHeader), []byte("shared-secret-value"), false, false)
}
