package handler_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
)

// badPayloads is the corpus of deliveries that must be refused, one folder
// per platform, each body with its reason in a .reason file beside it.
var badPayloads = filepath.Join("..", "..", "testdata", "bad-input", "payloads")

// refusal posts body and returns the 400 answer's error and the reason
// its log line carries; another answer fails the test.
func (f *fixture) refusal(body []byte) (answer, logged string) {
	f.t.Helper()
	before := len(f.logs.String())
	status, raw := f.post(body, time.Now(), secret)
	var a struct{ Status, Error string }
	if err := json.Unmarshal([]byte(raw), &a); err != nil || status != http.StatusBadRequest || a.Status != "rejected" {
		f.t.Errorf("answered %d %s, want 400 rejected", status, raw)
		return "", ""
	}
	var line struct{ Outcome, Reason string }
	if err := json.Unmarshal([]byte(f.logs.String()[before:]), &line); err != nil || line.Outcome != "malformed" {
		f.t.Errorf("log line %q (%v), want one line with outcome malformed", f.logs.String()[before:], err)
	}
	return a.Error, line.Reason
}

// TestBadPayloadsAreRefused posts every delivery of the corpus, signed as
// its platform signs, to the generated handler of
// maintenance_report_intake: each is answered 400 with exactly the reason
// beside it, which is also the reason logged; nothing is stored, the
// service never runs, and no personal data of the bodies reaches a log.
func TestBadPayloadsAreRefused(t *testing.T) {
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			paths, _ := filepath.Glob(filepath.Join(badPayloads, name, "*.json"))
			if len(paths) == 0 {
				t.Fatalf("no bad payloads for %s", name)
			}
			for _, path := range paths {
				body, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".reason")
				if err != nil {
					t.Fatal(err)
				}
				answer, logged := f.refusal(body)
				if w := strings.TrimSuffix(string(want), "\n"); answer != "" && (answer != w || logged != w) {
					t.Errorf("%s:\n answer %s\n logged %s\n want   %s", filepath.Base(path), answer, logged, w)
				}
			}
			if o, h := f.svc.counts(); o+h != 0 {
				t.Errorf("refused deliveries reached the service: %d outcomes, %d handoffs", o, h)
			}
			for _, id := range []string{"call-dup", "call-other", "call-dup ", "collide\uFFFD"} {
				if f.stored(id) {
					t.Errorf("%q: a refused delivery was stored", id)
				}
			}
			logs := f.logs.String()
			for _, leaked := range []string{"kitchen", "5551234567", "5550000000"} {
				if strings.Contains(logs, leaked) {
					t.Errorf("a log line contains %q", leaked)
				}
			}
		})
	}
}

// TestCollidingCallIDsStayApart is the case: the call ids
// collide\ud800 and collide\udfff were both read as collide\uFFFD, so the
// second call, an emergency, was answered as a duplicate of the first and
// never reached the service. Both are now refused, and two ids that differ
// in a character outside the Basic Multilingual Plane, written as
// surrogate pairs, stay two calls.
func TestCollidingCallIDsStayApart(t *testing.T) {
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			emergency := routine()
			emergency["urgency"] = "emergency"
			escaped := func(id string, fields map[string]any) []byte {
				// Encode writes the placeholder; the platform escapes the
				// character as a surrogate pair or, for the holes, half of one.
				return []byte(strings.ReplaceAll(string(f.delivery("call-placeholder", fields)), "call-placeholder", id))
			}
			for _, id := range []string{`collide\ud800`, `collide\udfff`} {
				answer, _ := f.refusal(escaped(id, emergency))
				if !strings.Contains(answer, "surrogate") {
					t.Errorf("%s: refused with %q, want a reason about the surrogate", id, answer)
				}
			}
			for i, id := range []string{`collide\ud83d\ude00`, `collide\ud83d\ude01`} {
				fields := routine()
				if i == 1 {
					fields = emergency
				}
				if status, answer := f.post(escaped(id, fields), time.Now(), secret); status != http.StatusOK {
					t.Fatalf("%s: %d %s", id, status, answer)
				}
			}
			outcomes, handoffs := f.svc.counts()
			if outcomes != 1 || handoffs != 1 {
				t.Fatalf("service saw %d outcomes and %d handoffs, want one of each", outcomes, handoffs)
			}
			if got := f.svc.outcomes[0].Event.Call.ID; got != "collide😀" {
				t.Errorf("routine call id %q", got)
			}
			h := f.svc.handoffs[0]
			if h.Event.Call.ID != "collide😁" || h.Event.Event != event.Handoff || h.Fields.Urgency != intake.UrgencyEmergency {
				t.Errorf("emergency: call %q, event %s, urgency %v", h.Event.Call.ID, h.Event.Event, h.Fields.Urgency)
			}
		})
	}
}
