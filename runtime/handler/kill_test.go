package handler_test

import (
	"bytes"
	"context"
	"fmt"
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
	"github.com/callspec/callspec/runtime/store"
)

// The child process of TestKilledBetweenClaimAndCompletion: a handler on
// the store CALLSPEC_KILL_DSN names whose service appends a line per call to
// a journal and, in the first child, then hangs until it is killed.
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
	st, err := store.Open(os.Getenv("CALLSPEC_KILL_DSN"))
	if err != nil {
		return err
	}
	svc := journalService{journal: filepath.Join(dir, "journal"), hang: os.Getenv("CALLSPEC_KILL_HANG") == "1"}
	h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Lease: time.Second})
	if err != nil {
		return err
	}
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

// TestKilledBetweenClaimAndCompletion kills a real handler process with
// SIGKILL while it holds the claim of a delivery (inside the service, before
// the result is stored), starts a fresh process on the same store (a SQLite
// file, a PostgreSQL schema, a Redis key prefix), and retries the delivery
// as a platform would: after the lease the delivery is processed, once.
func TestKilledBetweenClaimAndCompletion(t *testing.T) {
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

// killAndRetry runs the scenario on one store: ten deliveries complete in
// the first process, ten more are inside its service when it is killed;
// the platform then retries all twenty at a restarted process.
func killAndRetry(t *testing.T, dir, dsn string) {
	p, _ := providers.Lookup("retell")
	f := &fixture{t: t, p: p}
	var posts atomic.Int64
	post := func(url, callID string) (int, error) {
		posts.Add(1)
		body := f.delivery(callID, routine())
		h, _ := p.Sign([]byte(secret), body, time.Now())
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	done, hung := callIDs("done", 1, 10), callIDs("hang", 1, 10)

	first, url1 := startChild(t, dir, dsn, "1")
	for _, id := range done {
		if status, err := post(url1, id); err != nil || status != http.StatusOK {
			t.Fatalf("%s before the kill: %d %v", id, status, err)
		}
	}
	for _, id := range hung {
		go post(url1, id) // hangs inside the service until the kill
	}
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(journal(dir), "entered hang-") < len(hung) {
		if time.Now().After(deadline) {
			t.Fatal("the first process never had every delivery inside the service")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	// The platform retries every delivery at a restarted process: the
	// finished ones are answered from the store, the killed ones are taken
	// over once their lease has run out (409 until then).
	_, url2 := startChild(t, dir, dsn, "0")
	deadline = time.Now().Add(30 * time.Second)
	for _, id := range append(append([]string{}, done...), hung...) {
		status, err := post(url2, id)
		for status == http.StatusConflict && err == nil && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond) // the platform's retry interval
			status, err = post(url2, id)
		}
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s after the kill: %d %v", id, status, err)
		}
	}
	entered, processed := map[string]int{}, map[string]int{}
	for _, line := range strings.Split(journal(dir), "\n") {
		if fields := strings.Fields(line); len(fields) == 3 {
			switch fields[1] {
			case "entered":
				entered[fields[2]]++
			case "processed":
				processed[fields[2]]++
			}
		}
	}
	delivered := 0
	for _, id := range done {
		if entered[id] != 1 || processed[id] != 1 {
			t.Errorf("%s, finished before the kill: entered the service %d times, processed %d; want once each", id, entered[id], processed[id])
		}
		delivered += processed[id]
	}
	for _, id := range hung {
		if entered[id] != 2 || processed[id] != 1 {
			t.Errorf("%s, killed inside the service: entered %d times (want 2: the killed attempt and the retry), processed %d (want 1)", id, entered[id], processed[id])
		}
		delivered += processed[id]
	}
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := 0
	for _, id := range append(append([]string{}, done...), hung...) {
		c, err := st.Claim(context.Background(), store.Key(intake.Definition().ID, id), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if c.Outcome == store.Done && c.Result.Status == http.StatusOK {
			stored++
		} else {
			t.Errorf("%s was answered 200 but the store holds no result for it (%s)", id, c.Outcome)
		}
	}
	t.Logf("SIGKILL between claim and completion: %d deliveries sent in %d requests (10 completed before the kill, 10 inside the service when it came); %d stored; %d processed by the service, each exactly once",
		len(done)+len(hung), posts.Load(), stored, delivered)
}
