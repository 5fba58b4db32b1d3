package callurl_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/callurl"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var p = callurl.Provider{}

func TestDecodePayloads(t *testing.T) { providertest.DecodeAll(t, p) }

func TestEncodeRoundTrip(t *testing.T) { providertest.EncodeRoundTrip(t, p) }

func TestDecode(t *testing.T) {
	tests := []struct {
		file, workflow, event, next, handoff string
		missing                              []string
		notes                                int
	}{
		// Seed 000: no call object and no location, a required field.
		{file: "seed_000.json", workflow: "maintenance_report_intake", event: event.Handoff, handoff: event.IncompleteCall,
			missing: []string{"location"}, notes: 1},
		// Seed 001: a bare handoff block, which callspec does not take
		// over; every required field is missing.
		{file: "seed_001.json", workflow: "human_handoff", event: event.Handoff, handoff: event.IncompleteCall,
			missing: []string{"request_type", "summary", "immediate_danger", "callback_phone"}, notes: 2},
		{file: "completed_event.json", workflow: "human_handoff", event: event.Completed, next: "create_callback_task"},
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
				t.Errorf("got %s %s %+v", ev.Event, ev.NextAction, ev.Handoff)
			}
			if tc.missing != nil && !slices.Equal(ev.Handoff.MissingFields, tc.missing) {
				t.Errorf("missing %v, want %v", ev.Handoff.MissingFields, tc.missing)
			}
			if len(in.Notes) != tc.notes {
				t.Errorf("notes %q, want %d", in.Notes, tc.notes)
			}
			if ev.Call.ID == "" || ev.Call.Provider != "callurl" {
				t.Errorf("call %+v", ev.Call)
			}
		})
	}
	// Seed 000 names its caller in E.164; the derived call id is stable.
	w := providertest.Get(t, "maintenance_report_intake")
	body := providertest.ReadTestdata(t, "seed_000.json")
	a, _ := p.Decode(body, w.Def)
	b, _ := p.Decode(body, w.Def)
	if a.CallerPhone != "+15551234567" || a.Call.ID != b.Call.ID || !strings.HasPrefix(a.Call.ID, "sha256:") {
		t.Errorf("caller %q, ids %q %q", a.CallerPhone, a.Call.ID, b.Call.ID)
	}
}

// TestDecodeOutbound: caller.phone_e164 is the customer in both
// directions; for call.from and call.to it is the calling number of an
// inbound call and the called number of an outbound one.
func TestDecodeOutbound(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	const customer = "+14165551234"
	for _, tc := range []struct{ direction, from, to string }{
		{"outbound", "", customer},
		{"inbound", customer, ""},
		{"", customer, ""},
	} {
		body := `{"workflow_id":"outbound_lead_follow_up","call":{"id":"c1","status":"completed","direction":"` + tc.direction + `"},"caller":{"phone_e164":"` + customer + `"},"fields":{}}`
		in, err := p.Decode([]byte(body), w.Def)
		if err != nil {
			t.Fatal(err)
		}
		if in.CallerPhone != customer || in.CallerFrom != tc.from || in.CalledTo != tc.to {
			t.Errorf("%q call: caller %q, call.from %q, call.to %q; want %q %q %q", tc.direction, in.CallerPhone, in.CallerFrom, in.CalledTo, customer, tc.from, tc.to)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	w := providertest.Get(t, "human_handoff")
	for _, body := range []string{
		`{"event":"call_app.started","fields":{}}`,
		`{"workflow_id":"maintenance_report_intake","fields":{}}`,
		`{"fields":["a"]}`,
		`{"call":{"id":{"nested":true}}}`,
	} {
		_, err := p.Decode([]byte(body), w.Def)
		var de *providers.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: got %v, want a DecodeError", body, err)
		}
	}
}

// TestStandardWebhooksVector is the Standard Webhooks reference vector
// (libraries/javascript/src/webhook.test.ts, quoted in shared/vendors.md).
func TestStandardWebhooksVector(t *testing.T) {
	secret := []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	body := []byte(`{"test": 2432232314}`)
	at := time.Unix(1614265330, 0)
	h, err := callurl.SignWithID(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", body, at)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Get("webhook-signature"), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	// Several signatures (key rotation): any match verifies.
	h.Set("webhook-signature", "v1,bm90IGl0 v1a,ignored "+h.Get("webhook-signature"))
	if err := p.Verify(secret, h, body, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
}

// TestAgainstReferenceLibrary checks both directions against the
// Standard Webhooks Go library: it verifies what we sign, and we verify
// what it signs.
func TestAgainstReferenceLibrary(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	lib, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"event":"call_app.completed","fields":{}}`)
	now := time.Now()
	ours, err := p.Sign([]byte(secret), body, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Verify(body, ours); err != nil {
		t.Fatalf("the reference library refuses our signature: %v", err)
	}
	sig, err := lib.Sign("msg_reference", now, body)
	if err != nil {
		t.Fatal(err)
	}
	theirs := http.Header{}
	theirs.Set("webhook-id", "msg_reference")
	theirs.Set("webhook-timestamp", ours.Get("webhook-timestamp"))
	theirs.Set("webhook-signature", sig)
	if err := p.Verify([]byte(secret), theirs, body, now); err != nil {
		t.Fatalf("we refuse the reference library's signature: %v", err)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	providertest.RoundTrip(t, p, []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), true, true)
	providertest.RoundTrip(t, p, []byte("a raw secret that is not whsec"), true, true)
	if err := p.Verify([]byte("whsec_***"), http.Header{}, nil, time.Now()); !errors.Is(err, providers.ErrSignature) {
		t.Errorf("a whsec_ secret that is not base64 must fail verification, got %v", err)
	}
}

// TestWorkflowHintReadsAsDecodeDoes: the hint names the workflow only
// when Decode would read the same one, never from a body Decode refuses or
// from a key Decode does not read.
func TestWorkflowHintReadsAsDecodeDoes(t *testing.T) {
	for body, want := range map[string]string{
		`{"workflow_id":"a"}`:                   "a",
		`{"workflow_id":"a","workflow_id":"b"}`: "",
		`{"WORKFLOW_ID":"a"}`:                   "",
		`{"workflow_id":"a\ud800"}`:             "",
		`{"workflow_id":"a","n":1e309}`:         "",
		`{"workflow_id":{"id":"a"}}`:            "",
	} {
		if got := p.WorkflowHint([]byte(body)); got != want {
			t.Errorf("WorkflowHint(%s) = %q, want %q", body, got, want)
		}
	}
}
