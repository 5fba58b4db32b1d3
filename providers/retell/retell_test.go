package retell_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/retell"
)

var p = retell.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

func TestDecode(t *testing.T) {
	tests := []struct {
		file, workflow string
		event, next    string
		handoff        string
		status, end    string
		durationS      int64
		startedAt      string
		caller         string
		direction      string
		missing        []string
	}{
		{file: "call_analyzed.json", workflow: "maintenance_report_intake", event: event.Completed, next: "create_work_order",
			status: "completed", end: "caller_hangup", durationS: 96, startedAt: "2024-05-02T00:07:55Z", caller: "+15551234567", direction: "inbound"},
		{file: "call_analyzed_no_answer.json", workflow: "outbound_lead_follow_up", event: event.Handoff, handoff: event.NoAnswer,
			status: "no_answer", end: "no_answer", durationS: 30, startedAt: "2024-05-02T00:07:55Z", caller: "+15550001111" /* outbound: the number called */, direction: "outbound",
			missing: []string{"interested", "do_not_call"}},
		{file: "web_call_handoff.json", workflow: "human_handoff", event: event.Handoff, handoff: "emergency_or_sensitive_request",
			status: "completed", end: "agent_hangup", durationS: 45, startedAt: "2024-05-02T00:07:55Z"},
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
			if ev.Event != tc.event || ev.NextAction != tc.next {
				t.Errorf("event %s %s, want %s %s", ev.Event, ev.NextAction, tc.event, tc.next)
			}
			if tc.handoff != "" && (ev.Handoff == nil || ev.Handoff.Reason != tc.handoff) {
				t.Errorf("handoff %+v, want reason %s", ev.Handoff, tc.handoff)
			}
			if tc.missing != nil && !slices.Equal(ev.Handoff.MissingFields, tc.missing) {
				t.Errorf("missing fields %v, want %v", ev.Handoff.MissingFields, tc.missing)
			}
			c := ev.Call
			if c.Status != tc.status || c.EndReason != tc.end || c.DurationS != tc.durationS || c.StartedAt != tc.startedAt || c.Direction != tc.direction {
				t.Errorf("call %+v, want status %s end %s duration %d started %s direction %q", c, tc.status, tc.end, tc.durationS, tc.startedAt, tc.direction)
			}
			if ev.Caller.PhoneE164 != tc.caller {
				t.Errorf("caller %q, want %q", ev.Caller.PhoneE164, tc.caller)
			}
			if c.Provider != "retell" || c.ID == "" {
				t.Errorf("call provider/id %q/%q", c.Provider, c.ID)
			}
			providertest.NoLeak(t, body, in.Notes...)
		})
	}
}

// TestDecodeIgnoresOtherEvents: the events a dashboard-configured URL gets
// besides call_analyzed are acknowledged, not refused (Retell retries a
// non-2xx three times); call_analyzed itself, malformed, is still refused.
func TestDecodeIgnoresOtherEvents(t *testing.T) {
	w := providertest.Get(t, "human_handoff")
	for _, ev := range append(slices.Clone(retell.IgnoredEvents), "a_later_event") {
		_, err := p.Decode([]byte(`{"event":"`+ev+`","call":{"call_id":"c1"}}`), w.Def)
		var ig *providers.IgnoredError
		if !errors.As(err, &ig) || ig.Event != ev || ig.Processed != "call_analyzed" {
			t.Errorf("%s: got %v, want an IgnoredError", ev, err)
		}
	}
	_, err := p.Decode([]byte(`{"event":"call_started\u2028<script>","call":{}}`), w.Def)
	if want := `retell: an event type is not one callspec processes (only call_analyzed is): acknowledged and ignored`; err == nil || err.Error() != want {
		t.Errorf("an odd event name: got %v, want %q (the name is not repeated)", err, want)
	}
	_, err = p.Decode([]byte(`{"event":"call_started","event":"call_analyzed"}`), w.Def)
	var de *providers.DecodeError
	if !errors.As(err, &de) {
		t.Errorf("a body that names two events: got %v, want a DecodeError", err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	w := providertest.Get(t, "maintenance_report_intake")
	for name, body := range map[string]string{
		"no call":          `{"event":"call_analyzed"}`,
		"call id missing":  `{"event":"call_analyzed","call":{"from_number":"+15551234567"}}`,
		"call is a string": `{"event":"call_analyzed","call":"+15551234567"}`,
		"not JSON":         `event=call_analyzed`,
		"array":            `[{"event":"call_analyzed"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.Decode([]byte(body), w.Def)
			var de *providers.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a DecodeError", err)
			}
			providertest.NoLeak(t, []byte(body), de.Reason)
		})
	}
}

func TestDecodeListFromCommaText(t *testing.T) {
	w := providertest.Get(t, "maintenance_report_intake")
	in, err := p.Decode([]byte(`{"event":"call_analyzed","call":{"call_id":"c1","from_number":"0044 20 7946 0000","call_analysis":{"custom_analysis_data":{"location":"kitchen","extra":"x"}}}}`), w.Def)
	if err != nil {
		t.Fatal(err)
	}
	if in.CallerPhone != "" || in.CallerFrom != "0044 20 7946 0000" {
		t.Errorf("a number that is not E.164 must stay out of caller.phone_e164: %q", in.CallerPhone)
	}
	if len(in.Notes) != 2 {
		t.Errorf("want a note for the caller number and one for the undeclared key, got %q", in.Notes)
	}
	if _, ok := in.Fields["extra"]; ok {
		t.Error("an undeclared key reached the fields")
	}
}

// TestSignatureVector is Retell's own test vector (retell-typescript-sdk
// tests/webhook-auth.test.ts, quoted in shared/vendors.md).
func TestSignatureVector(t *testing.T) {
	body := []byte(`{"event":"call_ended"}`)
	key := []byte("test-api-key")
	want := "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e"
	if got := retell.Signature(key, body, 1700000000000); got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	h := http.Header{}
	h.Set("x-retell-signature", want)
	if err := p.Verify(key, h, body, time.UnixMilli(1700000000000+4*60*1000)); err != nil {
		t.Fatalf("the vendor's vector does not verify: %v", err)
	}
	if err := p.Verify(key, h, body, time.UnixMilli(1700000000000+6*60*1000)); !errors.Is(err, providers.ErrSignature) {
		t.Fatalf("a 6 minute old signature was accepted: %v", err)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p, []byte("key_0123456789abcdef"), true, true)
}
