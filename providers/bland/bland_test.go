package bland_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers/bland"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var p = bland.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

func TestDecode(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	tests := []struct {
		file, event, next, status, end, started, caller string
		durationS                                       int64
	}{
		// Outbound calls: caller.phone_e164 is the lead called (to), not
		// the business line the call came from.
		{"call_completed.json", event.Completed, "book_discovery_call", "completed", "agent_hangup", "2026-01-30T14:48:36Z", "+14165551234", 150},
		{"call_voicemail.json", event.Handoff, "", "voicemail", "agent_hangup", "2026-01-31T10:00:05Z", "+14165550000", 24},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := providertest.ReadTestdata(t, tc.file)
			in, err := p.Decode(body, w.Def)
			if err != nil {
				t.Fatal(err)
			}
			ev := w.Decide(t, in)
			c := ev.Call
			if ev.Event != tc.event || ev.NextAction != tc.next || c.Status != tc.status || c.EndReason != tc.end ||
				c.StartedAt != tc.started || c.DurationS != tc.durationS || c.Direction != "outbound" || ev.Caller.PhoneE164 != tc.caller {
				t.Errorf("got %s %s %+v caller %q", ev.Event, ev.NextAction, c, ev.Caller.PhoneE164)
			}
			if bland.WorkflowID(body) == "" && tc.file == "call_completed.json" {
				t.Error("the workflow id in metadata was not found")
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p, []byte("whk_bland_secret"), false, true)
}

// TestReplayIsNotDetected documents the scheme's limit: without a
// timestamp, a captured delivery verifies at any later time.
func TestReplayIsNotDetected(t *testing.T) {
	secret, body := []byte("s"), []byte(`{"call_id":"c1"}`)
	h, err := p.Sign(secret, body, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(secret, h, body, time.Now()); err != nil {
		t.Fatal(err)
	}
	upper := http.Header{}
	upper.Set("X-Webhook-Signature", "  "+h.Get("X-Webhook-Signature")+" ")
	if err := p.Verify(secret, upper, body, time.Now()); err != nil {
		t.Fatalf("surrounding spaces must not matter: %v", err)
	}
}

// TestWorkflowIDReadsAsDecodeDoes: the workflow named in metadata is
// taken only when Decode would read the same body.
func TestWorkflowIDReadsAsDecodeDoes(t *testing.T) {
	for body, want := range map[string]string{
		`{"metadata":{"callspec_workflow":"a"}}`:                                      "a",
		`{"metadata":{"callspec_workflow":"a","callspec_workflow":"b"}}`:              "",
		`{"metadata":{"callspec_workflow":"b"},"metadata":{"callspec_workflow":"a"}}`: "",
		`{"METADATA":{"callspec_workflow":"a"}}`:                                      "",
		`{"metadata":{"callspec_workflow":"a\udfff"}}`:                                "",
	} {
		if got := bland.WorkflowID([]byte(body)); got != want {
			t.Errorf("WorkflowID(%s) = %q, want %q", body, got, want)
		}
	}
}
