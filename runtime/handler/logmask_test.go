package handler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
)

// TestLogsMaskPlatformValues: platforms put phone numbers and e-mail
// addresses in call ids and statuses, which a spec's log: list may name
// (maintenance_report_intake logs call.id and call.status). Every
// platform's delivery line masks them.
func TestLogsMaskPlatformValues(t *testing.T) {
	calls := []struct{ id, status string }{
		{"cust15557654321", "completed"},
		{"call-jane.doe@example.com-1", "ended:ops@example.org"},
		{"+1\u00a0555\u00a0765\u00a04321ext", "forwarded to ５５５－７６５－４３２１"},
	}
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			for _, c := range calls {
				in := &event.Inbound{
					Call:   event.Call{ID: c.id, Provider: name, Status: c.status, Direction: "inbound", DurationS: 95},
					Fields: routine(),
				}
				body, err := f.p.Encode(in, intake.Definition())
				if err != nil {
					t.Fatal(err)
				}
				if status, answer := f.post(body, time.Now(), secret); status != http.StatusOK {
					t.Fatalf("call %q: %d %s", c.id, status, answer)
				}
			}
			logs := f.logs.String()
			for _, leaked := range []string{"5557654321", "765\u00a04321", "７６５", "jane", "example.com", "example.org"} {
				if strings.Contains(logs, leaked) {
					t.Errorf("a log line contains %q:\n%s", leaked, logs)
				}
			}
			for _, kept := range []string{`"call.id":"cust[phone]"`, `"call.id":"[email]"`, `"call.id":"[phone]ext"`} {
				if !strings.Contains(logs, kept) {
					t.Errorf("the logs lack %s:\n%s", kept, logs)
				}
			}
		})
	}
}

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
