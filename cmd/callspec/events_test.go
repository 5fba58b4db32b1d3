package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
	"github.com/callspec/callspec/runtime/store/storetest"
)

// seedEvents writes a SQLite store, at a fixed clock, holding: a pending
// inbox entry that failed once, an inbox entry and a forward that died.
// Bodies carry a phone number, which no output may show.
func seedEvents(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	clock := storetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	st, err := storeopen.Open("sqlite:"+path, store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const wf = "maintenance_report_intake"
	body := []byte(`{"fields":{"callback_phone":"+15557654321"}}`)
	for _, key := range []string{"call-dead", "call-pending"} {
		c, err := st.Claim(ctx, store.Key(wf, key), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		maxAttempts := 1
		if key == "call-pending" {
			maxAttempts = 3
		}
		msgs := []*store.Message{{ID: store.InboxID(wf, key), Kind: store.Service, WorkflowID: wf, Group: wf + "/" + key, Body: body, MaxAttempts: maxAttempts}}
		if key == "call-dead" {
			msgs = append(msgs, &store.Message{ID: store.MessageID(wf, key), Kind: store.Forward, WorkflowID: wf, URL: "https://crm.example.com/h?token=s3cret",
				SecretEnv: "CRM_SECRET", Body: body, MaxAttempts: 1})
		}
		if err := st.Complete(ctx, c, store.Result{Status: 200}, msgs...); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	for _, kind := range store.Kinds {
		ms, err := st.LeaseDue(ctx, kind, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == store.InboxID(wf, "call-pending") {
				err = st.MarkRetry(ctx, m, clock.Now().Add(time.Hour), "the service returned an error (*errors.errorString)")
			} else {
				err = st.MarkDead(ctx, m, "gave up after 1 attempts; the last: the receiver answered 503 Service Unavailable")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return "sqlite:" + path
}

func TestEventsListRetryPurge(t *testing.T) {
	dsn := seedEvents(t)
	list := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, append([]string{"events", "list", "--store", dsn}, args...)...)
		if code != exitOK || errOut != "" {
			t.Fatalf("events list %v: exit %d, stderr %q", args, code, errOut)
		}
		if strings.Contains(out, "5557654321") || strings.Contains(out, "s3cret") {
			t.Fatalf("events list shows a field value or a URL token:\n%s", out)
		}
		return out
	}
	want := `ID                                    QUEUE    WORKFLOW                   STATE    ATTEMPTS  CREATED               NEXT ATTEMPT          LAST ERROR
evt_7e4d65c62b9089052a8a3523185939f0  service  maintenance_report_intake  dead     1/1       2026-03-01T12:00:00Z  -                     gave up after 1 attempts; the last: the receiver answered 503 Service Unavailable
msg_7e4d65c62b9089052a8a3523185939f0  forward  maintenance_report_intake  dead     1/1       2026-03-01T12:00:00Z  -                     gave up after 1 attempts; the last: the receiver answered 503 Service Unavailable
evt_b59184221f056cdca93ce6c60d4f31be  service  maintenance_report_intake  pending  1/3       2026-03-01T12:01:00Z  2026-03-01T13:02:00Z  the service returned an error (*errors.errorString)
`
	if got := list(); got != want {
		t.Errorf("events list:\n%s\nwant:\n%s", got, want)
	}
	if got := list("--dead", "--queue", "service"); !strings.HasPrefix(got, "ID ") || strings.Count(got, "\n") != 2 || !strings.Contains(got, "service  maintenance_report_intake  dead") {
		t.Errorf("events list --dead --queue service:\n%s", got)
	}
	if got := list("--workflow", "other"); got != "no events: the inbox and the outbox hold nothing pending or dead that the filters select\n" {
		t.Errorf("events list --workflow other: %q", got)
	}
	if got := list("--format", "json", "--dead", "--queue", "forward"); !strings.Contains(got, `"queue": "forward"`) || !strings.Contains(got, `"attempts": 1`) || strings.Contains(got, "next_attempt_at") {
		t.Errorf("events list --format json:\n%s", got)
	}

	// Retrying a pending entry fails; retrying the dead inbox entry works.
	pendingID := store.InboxID("maintenance_report_intake", "call-pending")
	if _, errOut, code := runCLI(t, "events", "retry", "--store", dsn, pendingID); code != exitError || !strings.Contains(errOut, pendingID+" is not a dead letter") {
		t.Errorf("events retry of a pending entry: exit %d, stderr %q", code, errOut)
	}
	deadID := store.InboxID("maintenance_report_intake", "call-dead")
	if out, _, code := runCLI(t, "events", "retry", "--store", dsn, deadID); code != exitOK || !strings.HasPrefix(out, "requeued 1 dead letters") {
		t.Errorf("events retry %s: exit %d, %q", deadID, code, out)
	}
	if got := list("--dead"); strings.Count(got, "\n") != 2 || !strings.Contains(got, "msg_") {
		t.Errorf("after the retry, only the forward is dead:\n%s", got)
	}
	if _, errOut, code := runCLI(t, "events", "retry", "--store", dsn); code != exitError || !strings.Contains(errOut, "or pass --all") {
		t.Errorf("events retry with nothing named: exit %d, %q", code, errOut)
	}

	// Purge: the forward died in March 2026, before "now" minus a day.
	if out, _, code := runCLI(t, "events", "purge", "--store", dsn, "--older-than", "24h"); code != exitOK || out != "purged 1 dead letters older than 24h0m0s\n" {
		t.Errorf("events purge: exit %d, %q", code, out)
	}
	if got := list("--dead"); !strings.HasPrefix(got, "no events") {
		t.Errorf("after the purge:\n%s", got)
	}
	if _, errOut, code := runCLI(t, "events", "drop", "--store", dsn); code != exitError || !strings.Contains(errOut, `"drop" is not an action`) {
		t.Errorf("events drop: exit %d, %q", code, errOut)
	}
}
