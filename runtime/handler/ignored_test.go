package handler_test

import (
	"strings"
	"testing"
	"time"
)

// TestIgnoredEventsAreAcknowledged: the events a platform sends to the same
// URL by default besides the one callspec processes are verified, then
// answered 200 with "ignored": nothing is stored and no service is called.
// Unsigned, they are 401 like any delivery; the processed event, malformed,
// is still 400.
func TestIgnoredEventsAreAcknowledged(t *testing.T) {
	for _, c := range []struct {
		provider  string
		ignored   []string
		malformed string
	}{
		{"retell", []string{
			`{"event":"call_started","call":{"call_id":"ign_1"}}`,
			`{"event":"call_ended","call":{"call_id":"ign_2","call_status":"ended"}}`,
			`{"event":"transcript_updated","call":{"call_id":"ign_3"}}`,
			`{"event":"transfer_started","call":{"call_id":"ign_4"}}`,
		}, `{"event":"call_analyzed","call":{"from_number":"+15551234567"}}`},
		{"vapi", []string{
			`{"message":{"type":"status-update","status":"in-progress","call":{"id":"ign_1"}}}`,
			`{"message":{"type":"transcript","call":{"id":"ign_2"}}}`,
			`{"message":{"type":"conversation-update","call":{"id":"ign_3"}}}`,
			`{"message":{"type":"speech-update","call":{"id":"ign_4"}}}`,
			`{"message":{"type":"hang","call":{"id":"ign_5"}}}`,
			`{"message":{"type":"user-interrupted","call":{"id":"ign_6"}}}`,
		}, `{"message":{"type":"end-of-call-report"}}`},
	} {
		t.Run(c.provider, func(t *testing.T) {
			f := newFixture(t, c.provider)
			now := time.Now()
			for i, body := range c.ignored {
				status, answer := f.post([]byte(body), now, secret)
				if status != 200 || !strings.Contains(answer, `"status":"ignored"`) || !strings.Contains(answer, "acknowledged and ignored") {
					t.Errorf("%s: %d %s, want 200 ignored", body, status, answer)
				}
				if id := "ign_" + string(rune('1'+i)); f.stored(id) {
					t.Errorf("%s: the store holds call %s", body, id)
				}
				if status, _ := f.post([]byte(body), now, "whsec_"+strings.Repeat("A", 32)); status != 401 {
					t.Errorf("%s signed with another secret: %d, want 401", body, status)
				}
			}
			if outcomes, handoffs := f.svc.counts(); outcomes+handoffs != 0 {
				t.Errorf("the service saw %d outcomes and %d handoffs, want none", outcomes, handoffs)
			}
			if status, answer := f.post([]byte(c.malformed), now, secret); status != 400 {
				t.Errorf("%s: %d %s, want 400", c.malformed, status, answer)
			}
		})
	}
}
