package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

type nopService struct{}

func (nopService) CreateWorkOrder(context.Context, *intake.Outcome) error { return nil }
func (nopService) Handoff(context.Context, *intake.Handoff) error         { return nil }

// seedStats sends real deliveries through the generated handler of the
// maintenance intake, from two platforms, into a SQLite store.
func seedStats(t *testing.T) string {
	t.Helper()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	st, err := storeopen.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	// A worker that never runs: the events wait in the inbox, which is
	// what stats reads (delivered ones count the same).
	worker, err := inbox.New(inbox.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	routine := map[string]any{"issue_type": "leak", "location": "kitchen sink", "urgency": "routine", "permission_to_enter": true}
	for _, d := range []struct {
		provider, id string
		fields       map[string]any
	}{
		{"retell", "c1", routine},
		{"retell", "c2", routine},
		{"retell", "c3", map[string]any{"issue_type": "leak"}},
		{"vapi", "c4", routine},
		{"vapi", "c5", map[string]any{"issue_type": "leak", "urgency": "emergency", "location": "basement", "callback_phone": "+15557654321"}},
	} {
		p, _ := providers.Lookup(d.provider)
		h, err := intake.NewHandler(nopService{}, d.provider, handler.Config{Store: st, Secret: []byte(secret), Inbox: worker})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		body, err := p.Encode(&event.Inbound{Call: event.Call{ID: d.id, Provider: d.provider, Status: "completed", DurationS: 60}, Fields: d.fields}, intake.Definition())
		if err != nil {
			t.Fatal(err)
		}
		headers, _ := p.Sign([]byte(secret), body, time.Now())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header = headers
		resp, err := srv.Client().Do(req)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", d.id, resp.StatusCode)
		}
	}
	return dsn
}

func TestStats(t *testing.T) {
	dsn := seedStats(t)
	out, errOut, code := runCLI(t, "stats", "--store", dsn, "--since", "7d")
	want := `maintenance_report_intake: 5 calls
  completed                         3  60.0%
  handoff                           2  40.0%
    emergency_or_sensitive_request  1  20.0%
    incomplete_call                 1  20.0%
  missing fields: location 1, urgency 1
  platforms:
    retell  3 calls  66.7% completed
    vapi    2 calls  50.0% completed
`
	if code != exitOK || errOut != "" || out != want {
		t.Errorf("callspec stats: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	if strings.Contains(out, "5557654321") || strings.Contains(out, "kitchen") || strings.Contains(out, "basement") {
		t.Errorf("stats shows a field value:\n%s", out)
	}
	js, _, code := runCLI(t, "stats", "--store", dsn, "--format", "json")
	if code != exitOK || !strings.Contains(js, `"handoff_reasons": [`) || !strings.Contains(js, `"platform": "vapi"`) || strings.Contains(js, "kitchen") {
		t.Errorf("callspec stats --format json: exit %d\n%s", code, js)
	}
	if out, _, code := runCLI(t, "stats", "--store", dsn, "--workflow", "other"); code != exitOK || out != "no calls in the last 7d\n" {
		t.Errorf("stats --workflow other: exit %d, %q", code, out)
	}
	for _, bad := range []string{"0d", "week", "-1h"} {
		if _, errOut, code := runCLI(t, "stats", "--store", dsn, "--since", bad); code != exitError || !strings.Contains(errOut, "--since") {
			t.Errorf("stats --since %s: exit %d, %q", bad, code, errOut)
		}
	}
}
