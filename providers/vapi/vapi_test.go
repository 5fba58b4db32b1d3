package vapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/vapi"
)

var p = vapi.New(vapi.HMAC)

const openapi = "vapi-openapi.json"

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

// TestPayloadsMatchOpenAPI keeps the hand-written test payloads honest:
// each is a ServerMessageEndOfCallReport as Vapi describes it.
func TestPayloadsMatchOpenAPI(t *testing.T) {
	for _, path := range providertest.Payloads(t) {
		t.Run(path, func(t *testing.T) {
			var env struct {
				Message json.RawMessage `json:"message"`
			}
			if err := json.Unmarshal(providertest.ReadTestdata(t, pathBase(path)), &env); err != nil {
				t.Fatal(err)
			}
			if env.Message == nil {
				// The unwrapped shape of the structured-outputs guide,
				// which the OpenAPI does not describe.
				t.Skip("no message envelope: not a server message of the OpenAPI")
			}
			providertest.ValidateOpenAPI(t, openapi, "ServerMessageEndOfCallReport", env.Message)
		})
	}
}

func pathBase(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[i+1:]
		}
	}
	return p
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file, workflow   string
		event, next      string
		handoff          string
		status, end, dir string
		caller           string
		durationS        int64
	}{
		{file: "end_of_call_report.json", workflow: "human_handoff", event: event.Handoff, handoff: "complaint_or_legal",
			status: "completed", end: "caller_hangup", dir: "inbound", caller: "+15550002222", durationS: 210},
		// The shape of Vapi's structured-outputs guide: no message envelope.
		{file: "call_ended_unwrapped.json", workflow: "human_handoff", event: event.Handoff, handoff: "complaint_or_legal",
			status: "completed", end: "caller_hangup", dir: "inbound", caller: "+15550002222", durationS: 210},
		{file: "legacy_structured_data.json", workflow: "maintenance_report_intake", event: event.Handoff, handoff: "emergency_or_sensitive_request",
			status: "completed", end: "agent_hangup", dir: "inbound", caller: "+15551234567", durationS: 140},
		{file: "customer_did_not_answer.json", workflow: "outbound_lead_follow_up", event: event.Handoff, handoff: event.NoAnswer,
			status: "no_answer", end: "no_answer", dir: "outbound", caller: "+14165551234" /* outbound: the customer called */},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			w := providertest.Get(t, tc.workflow)
			body := providertest.ReadTestdata(t, tc.file)
			in, err := p.Decode(body, w.Def)
			if err != nil {
				t.Fatal(err)
			}
			ev := w.Decide(t, in)
			if ev.Event != tc.event || ev.NextAction != tc.next || (tc.handoff != "" && ev.Handoff.Reason != tc.handoff) {
				t.Errorf("got %s %s %+v, want %s %s %s", ev.Event, ev.NextAction, ev.Handoff, tc.event, tc.next, tc.handoff)
			}
			c := ev.Call
			if c.Status != tc.status || c.EndReason != tc.end || c.Direction != tc.dir || c.DurationS != tc.durationS {
				t.Errorf("call %+v, want status %s end %s direction %s duration %d", c, tc.status, tc.end, tc.dir, tc.durationS)
			}
			if ev.Caller.PhoneE164 != tc.caller {
				t.Errorf("caller %q, want %q", ev.Caller.PhoneE164, tc.caller)
			}
		})
	}
}

// TestDecodeIgnoresOtherMessages: Vapi's default serverMessages besides
// end-of-call-report are acknowledged, not refused.
func TestDecodeIgnoresOtherMessages(t *testing.T) {
	w := providertest.Get(t, "human_handoff")
	for _, typ := range append(slices.Clone(vapi.IgnoredMessages), "a-later-message") {
		_, err := p.Decode([]byte(`{"message":{"type":"`+typ+`","call":{"id":"c1"}}}`), w.Def)
		var ig *providers.IgnoredError
		if !errors.As(err, &ig) || ig.Event != typ || ig.Processed != "end-of-call-report" {
			t.Errorf("%s: got %v, want an IgnoredError", typ, err)
		}
	}
}

func TestDecodeRefusesOtherMessages(t *testing.T) {
	w := providertest.Get(t, "human_handoff")
	for _, body := range []string{
		`{"message":{"call":{"id":"c1"}}}`,
		`{"message":{"type":"end-of-call-report"}}`,
		`{"type":"end-of-call-report","call":{"id":"c1"}}`,
	} {
		_, err := p.Decode([]byte(body), w.Def)
		var de *providers.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: got %v, want a DecodeError", body, err)
		}
	}
}

func TestEndedReasonFamilies(t *testing.T) {
	w := providertest.Get(t, "human_handoff")
	for reason, want := range map[string][2]string{
		"customer-ended-call-during-transfer":                        {"completed", "caller_hangup"},
		"assistant-ended-call-with-hangup-task":                      {"completed", "agent_hangup"},
		"call.in-progress.error-sip-outbound-call-failed-to-connect": {"failed", "dial_failed"},
		"pipeline-error-openai-voice-failed":                         {"failed", "error"},
		"vonage-completed":                                           {"completed", "vonage-completed"},
	} {
		body := `{"message":{"type":"end-of-call-report","endedReason":"` + reason + `","call":{"id":"c1","status":"ended"}}}`
		in, err := p.Decode([]byte(body), w.Def)
		if err != nil {
			t.Fatal(err)
		}
		if in.Call.Status != want[0] || in.Call.EndReason != want[1] {
			t.Errorf("%s: status %s end %s, want %v", reason, in.Call.Status, in.Call.EndReason, want)
		}
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p, []byte("vapi-hmac-secret"), true, true)
	providertest.RoundTrip(t, vapi.New(vapi.Bearer), []byte("vapi-bearer-token"), false, false)
}

// TestVerifySecondsTimestamp covers a timestamp in seconds, which Vapi's
// docs leave possible, and the legacy X-Vapi-Secret header.
func TestVerifySecondsTimestamp(t *testing.T) {
	secret, body := []byte("s3cret"), []byte(`{"message":{}}`)
	now := time.Unix(1_800_000_000, 0)
	h := http.Header{}
	h.Set("x-timestamp", "1800000000")
	mac := hmacHex(secret, "1800000000."+string(body))
	h.Set("x-signature", mac)
	if err := p.Verify(secret, h, body, now); err != nil {
		t.Fatal(err)
	}
	legacy := http.Header{}
	legacy.Set("X-Vapi-Secret", "s3cret")
	if err := vapi.New(vapi.Header).Verify(secret, legacy, body, now); err != nil {
		t.Fatal(err)
	}
	if err := vapi.New(vapi.Bearer).Verify(secret, legacy, body, now); !errors.Is(err, providers.ErrSignature) {
		t.Fatal("the bearer mode accepted the X-Vapi-Secret header")
	}
	if err := p.Verify(secret, legacy, body, now); !errors.Is(err, providers.ErrSignature) {
		t.Fatal("the HMAC default accepted a bare secret header")
	}
}
