package phonely_test

import (
	"github.com/callspec/callspec/kernel/workflow"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/phonely"
)

var p = phonely.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

// TestPayloadsMatchOpenAPI keeps the test payloads honest: Phonely
// publishes no example body, so each is checked against the
// CallSummaryResponse schema of its published API description.
func TestPayloadsMatchOpenAPI(t *testing.T) {
	for _, path := range providertest.Payloads(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			providertest.ValidateOpenAPI(t, "phonely-openapi.json", "CallSummaryResponse", providertest.ReadTestdata(t, filepath.Base(path)))
		})
	}
}

func TestDecode(t *testing.T) {
	w := providertest.Get(t, "inbound_call_summary")
	tests := []struct {
		file, event, next, handoff, caller string
		direction                          string
		durationS                          int64
		fields                             map[string]any
	}{
		{file: "call_summary.json", event: event.Handoff, handoff: "unhappy_caller_follow_up", caller: "+15553334444", durationS: 301,
			fields: map[string]any{"topic": "Billing", "summary": "Charged twice for a cleaning and upset about it.", "sentiment": "negative",
				"caller_name": "Dana", "mentioned_date": "2026-02-20", "follow_up_required": true, "follow_up_reason": "Refund of double charge"}},
		{file: "call_summary_routine.json", event: event.Completed, next: "email_summary_to_owner", durationS: 58,
			fields: map[string]any{"topic": "Opening hours", "summary": "Asked whether the office is open on Saturday.", "sentiment": "neutral", "follow_up_required": false}},
		// Outbound: the customer is the number called, not the practice's
		// line the call came from.
		{file: "call_summary_outbound.json", event: event.Completed, next: "email_summary_to_owner", caller: "+15553334444", direction: "outbound", durationS: 90,
			fields: map[string]any{"topic": "Opening hours", "summary": "Called back about Saturday opening hours; the office is open until noon.", "sentiment": "positive",
				"caller_name": "Dana", "follow_up_required": false}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := providertest.ReadTestdata(t, tc.file)
			in, err := p.Decode(body, w.Def)
			if err != nil {
				t.Fatal(err)
			}
			ev := w.Decide(t, in)
			if ev.Event != tc.event || ev.NextAction != tc.next || (tc.handoff != "" && ev.Handoff.Reason != tc.handoff) {
				t.Errorf("got %s %s %+v", ev.Event, ev.NextAction, ev.Handoff)
			}
			if len(ev.Fields) != len(tc.fields) {
				t.Errorf("fields %v, want %v", ev.Fields, tc.fields)
			}
			for k, v := range tc.fields {
				if ev.Fields[k] != v {
					t.Errorf("field %s = %v, want %v", k, ev.Fields[k], v)
				}
			}
			direction := tc.direction
			if direction == "" {
				direction = "inbound"
			}
			if ev.Caller.PhoneE164 != tc.caller || ev.Call.DurationS != tc.durationS || ev.Call.Direction != direction || ev.Call.Status != "completed" {
				t.Errorf("call %+v caller %q", ev.Call, ev.Caller.PhoneE164)
			}
			providertest.NoLeak(t, body, in.Notes...)
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p.WithAuth(workflow.AuthHeader), []byte("shared-secret-value"), false, false)
}
