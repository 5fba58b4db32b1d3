package handler_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// The child process of TestKilledInsideTheService: a handler on the store
// CALLSPEC_KILL_DSN names, with its inbox worker running, whose service
// appends a line per call to a journal and, in the first child, then hangs
// until it is killed.
func TestMain(m *testing.M) {
	if os.Getenv("CALLSPEC_KILL_CHILD") == "" {
		os.Exit(m.Run())
	}
	if err := runChild(); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

type journalService struct {
	journal string
	hang    bool
}

func (s journalService) record(what string) {
	f, err := os.OpenFile(s.journal, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(f, "%d %s\n", os.Getpid(), what)
	f.Sync()
	f.Close()
}

func (s journalService) CreateWorkOrder(ctx context.Context, o *intake.Outcome) error {
	s.record("entered " + o.Event.Call.ID)
	if s.hang && strings.HasPrefix(o.Event.Call.ID, "hang-") {
		select {} // the parent kills this process here
	}
	s.record("processed " + o.Event.Call.ID)
	return nil
}

func (s journalService) Handoff(ctx context.Context, h *intake.Handoff) error { return nil }

func runChild() error {
	dir := os.Getenv("CALLSPEC_KILL_DIR")
	st, err := storeopen.Open(os.Getenv("CALLSPEC_KILL_DSN"))
	if err != nil {
		return err
	}
	svc := journalService{journal: filepath.Join(dir, "journal"), hang: os.Getenv("CALLSPEC_KILL_HANG") == "1"}
	// Ten workers, so that every hanging event is inside the service at
	// once; a short lease, so that the second child takes them over soon.
	worker, err := inbox.New(inbox.Config{Store: st, Workers: 10, Timeout: 500 * time.Millisecond, Lease: time.Second,
		BackoffBase: 10 * time.Millisecond, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Lease: time.Second, Inbox: worker})
	if err != nil {
		return err
	}
	go worker.Run(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "addr."+os.Getenv("CALLSPEC_KILL_HANG")), []byte(ln.Addr().String()), 0o600); err != nil {
		return err
	}
	return http.Serve(ln, h)
}

func startChild(t *testing.T, dir, dsn, hang string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CALLSPEC_KILL_CHILD=1", "CALLSPEC_KILL_DIR="+dir, "CALLSPEC_KILL_DSN="+dsn, "CALLSPEC_KILL_HANG="+hang)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrFile := filepath.Join(dir, "addr."+hang)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			return cmd, "http://" + string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the child handler did not start")
	return nil, ""
}

func journal(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "journal"))
	return string(b)
}

// TestKilledInsideTheService kills a real handler process with SIGKILL
// while its inbox worker is inside the service with ten events (the
// platform was answered 200 for each long before), starts a fresh process
// on the same store (a SQLite file, a PostgreSQL schema, a Redis key
// prefix), and checks that the new process hands each of them to the
// service once its lease has run out, and that the platform's retries are
// answered from the store.
func TestKilledInsideTheService(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	backends := []struct {
		name string
		dsn  func(t *testing.T, dir string) string
	}{
		{"sqlite", func(t *testing.T, dir string) string { return "sqlite:" + filepath.Join(dir, "store.db") }},
		{"postgres", func(t *testing.T, _ string) string { return freshPostgres(t).dsn.String() }},
		{"redis", func(t *testing.T, _ string) string { return freshRedis(t).dsn.String() }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			killAndRetry(t, dir, b.dsn(t, dir))
		})
	}
}

// killAndRetry runs the scenario on one store: ten deliveries are
// processed in the first process, ten more are inside its service when it
// is killed; a restarted process finishes them, and the platform's
// retries of all twenty are answered from the store.
func killAndRetry(t *testing.T, dir, dsn string) {
	p, _ := providers.Lookup("retell")
	f := &fixture{t: t, p: p}
	var posts atomic.Int64
	post := func(url, callID string) (int, time.Duration, error) {
		posts.Add(1)
		body := f.delivery(callID, routine())
		h, _ := p.Sign([]byte(secret), body, time.Now())
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		start := time.Now()
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return 0, 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), nil
	}
	done, hung := callIDs("done", 1, 10), callIDs("hang", 1, 10)
	processed := func(id string) bool { return strings.Contains(journal(dir), " processed "+id+"\n") }

	first, url1 := startChild(t, dir, dsn, "1")
	var slowest time.Duration
	for _, id := range append(append([]string{}, done...), hung...) {
		status, took, err := post(url1, id)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s before the kill: %d %v", id, status, err)
		}
		slowest = max(slowest, took)
	}
	// A generous bound: the answer never waits for the service, which
	// hangs for the hang- calls.
	if slowest > 5*time.Second {
		t.Errorf("the slowest delivery was answered after %v; the handler must not wait for the service", slowest)
	}
	waitFor(t, 20*time.Second, "every event of the first process to reach the service", func() bool {
		j := journal(dir)
		return strings.Count(j, "entered hang-") == len(hung) && strings.Count(j, "processed done-") == len(done)
	})
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	// The restarted process's worker takes the killed calls over once
	// their lease has run out; the platform's retries are answered from
	// the store meanwhile.
	_, url2 := startChild(t, dir, dsn, "0")
	for _, id := range append(append([]string{}, done...), hung...) {
		if status, _, err := post(url2, id); err != nil || status != http.StatusOK {
			t.Fatalf("%s after the kill: %d %v", id, status, err)
		}
	}
	waitFor(t, 30*time.Second, "the restarted process to finish the killed events", func() bool {
		for _, id := range hung {
			if !processed(id) {
				return false
			}
		}
		return true
	})
	entered, processedN := map[string]int{}, map[string]int{}
	for _, line := range strings.Split(journal(dir), "\n") {
		if fields := strings.Fields(line); len(fields) == 3 {
			switch fields[1] {
			case "entered":
				entered[fields[2]]++
			case "processed":
				processedN[fields[2]]++
			}
		}
	}
	delivered := 0
	for _, id := range done {
		if entered[id] != 1 || processedN[id] != 1 {
			t.Errorf("%s, finished before the kill: entered the service %d times, processed %d; want once each", id, entered[id], processedN[id])
		}
		delivered += processedN[id]
	}
	for _, id := range hung {
		if entered[id] != 2 || processedN[id] != 1 {
			t.Errorf("%s, killed inside the service: entered %d times (want 2: the killed attempt and the takeover), processed %d (want 1)", id, entered[id], processedN[id])
		}
		delivered += processedN[id]
	}
	st, err := storeopen.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The service writes "processed" before its worker records the
	// delivery in the store: wait for the store to say so too.
	want := store.Counts{Delivered: int64(len(done) + len(hung))}
	var stats store.Stats
	waitFor(t, 30*time.Second, "the store to record every event delivered", func() bool {
		if stats, err = st.Stats(context.Background()); err != nil {
			t.Fatal(err)
		}
		return stats.Inbox == want || stats.Inbox.Dead > 0
	})
	if stats.Inbox != want {
		t.Errorf("inbox after the restart: %+v, want all %d delivered", stats.Inbox, len(done)+len(hung))
	}
	t.Logf("SIGKILL inside the service: %d deliveries sent in %d requests, each answered 200 (the slowest in %v); 10 inside the service when the kill came; %d processed by the service, each exactly once",
		len(done)+len(hung), posts.Load(), slowest.Round(time.Millisecond), delivered)
}
