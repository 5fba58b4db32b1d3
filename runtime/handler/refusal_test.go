package handler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
)

// TestRefusalLogSaysWhy: a delivery signed with the wrong key is answered
// with a bare refusal, and the operator's log line says why (here the
// Retell digest), so a misconfigured platform can be fixed from the log
// without the answer telling a sender anything.
func TestRefusalLogSaysWhy(t *testing.T) {
	f := newFixture(t, "retell")
	in := &event.Inbound{Call: event.Call{ID: "call_wrong_key", Provider: "retell", Status: "completed", DurationS: 60}, Fields: routine()}
	body, err := f.p.Encode(in, intake.Definition())
	if err != nil {
		t.Fatal(err)
	}
	const wrong = "key_not_the_handlers_0123456789"
	status, answer := f.post(body, time.Now(), wrong)
	if want := `{"status":"rejected","error":"signature verification failed"}` + "\n"; status != http.StatusUnauthorized || answer != want {
		t.Errorf("answer %d %q, want 401 %q", status, answer, want)
	}
	logs := f.logs.String()
	if want := `"outcome":"bad_signature","reason":"signature verification failed: the X-Retell-Signature digest does not match the body (wrong API key, or the body changed)"`; !strings.Contains(logs, want) {
		t.Errorf("the log lacks %s:\n%s", want, logs)
	}
	if strings.Contains(logs, wrong) || strings.Contains(logs, secret) {
		t.Errorf("a log line holds a key:\n%s", logs)
	}
}
