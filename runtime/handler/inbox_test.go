package handler_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// downService fails while down is set, and fails the first failFirst
// calls of every event whatever; it counts calls and successes per
// idempotency key.
type downService struct {
	down      atomic.Bool
	failFirst int
	failures  atomic.Int64

	mu        sync.Mutex
	calls     map[string]int
	successes map[string]int
}

func (s *downService) call(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls, s.successes = map[string]int{}, map[string]int{}
	}
	s.calls[key]++
	if s.down.Load() || s.calls[key] <= s.failFirst {
		s.failures.Add(1)
		return errors.New("the CRM answered 503")
	}
	s.successes[key]++
	return nil
}

func (s *downService) CreateWorkOrder(_ context.Context, o *intake.Outcome) error {
	return s.call(o.Event.IdempotencyKey)
}

func (s *downService) Handoff(_ context.Context, h *intake.Handoff) error {
	return s.call(h.Event.IdempotencyKey)
}

func (s *downService) counts() (keys, calls, succeeded int, repeated []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, n := range s.calls {
		keys++
		calls += n
		succeeded += s.successes[k]
		if s.successes[k] > 1 {
			repeated = append(repeated, k)
		}
	}
	return keys, calls, succeeded, repeated
}

// inboxStores are the four stores, each opened fresh; PostgreSQL and Redis
// skip without their variables.
var inboxStores = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"memory", func(*testing.T) string { return "memory:" }},
	{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "store.db") }},
	{"postgres", func(t *testing.T) string { return freshPostgres(t).dsn.String() }},
	{"redis", func(t *testing.T) string { return freshRedis(t).dsn.String() }},
}

func openDSN(t *testing.T, dsn string) store.Store {
	t.Helper()
	st, err := storeopen.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fastInbox is an inbox worker with a backoff of milliseconds, so that a
// test sees many retries, run until the test ends.
func fastInbox(t *testing.T, st store.Store) *inbox.Worker {
	t.Helper()
	w, err := inbox.New(inbox.Config{Store: st, Timeout: 2 * time.Second, Lease: 5 * time.Second, PollInterval: 10 * time.Millisecond,
		BackoffBase: 5 * time.Millisecond, BackoffCap: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// timedPost sends the delivery of one call and returns its status and how
// long the answer took.
func timedPost(t *testing.T, p providers.Adapter, url, callID string) (int, time.Duration) {
	f := &fixture{t: t, p: p}
	body := f.delivery(callID, routine())
	h, err := p.Sign([]byte(secret), body, time.Now())
	if err != nil {
		t.Error(err)
		return 0, 0
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Errorf("post %s: %v", callID, err)
		return 0, 0
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// TestServiceOutage: on every store, the service fails the first two calls
// of each of 100 events and is down altogether while they arrive. Every
// delivery is answered 200 at once; once the service is back, every event
// reaches it, and succeeds exactly once.
func TestServiceOutage(t *testing.T) {
	p, _ := providers.Lookup("retell")
	for _, sc := range inboxStores {
		t.Run(sc.name, func(t *testing.T) {
			st := openDSN(t, sc.dsn(t))
			svc := &downService{failFirst: 2}
			svc.down.Store(true)
			w := fastInbox(t, st)
			h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Inbox: w})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()

			const events = 100
			ids := callIDs(sc.name+"-outage", 1, events)
			var (
				wg      sync.WaitGroup
				slowest atomic.Int64
			)
			for _, id := range ids {
				wg.Go(func() {
					status, took := timedPost(t, p, srv.URL, id)
					if status != http.StatusOK {
						t.Errorf("%s answered %d while the service is down, want 200", id, status)
					}
					for old := slowest.Load(); int64(took) > old && !slowest.CompareAndSwap(old, int64(took)); old = slowest.Load() {
					}
				})
			}
			wg.Wait()
			// Every delivery got 200 while the service failed every call,
			// which a handler that called the service would not answer. The
			// bound only catches an answer that waits out the inbox's
			// retries (seconds each); it is loose because 100 concurrent
			// deliveries on two shared cores took 1.3 s once.
			if d := time.Duration(slowest.Load()); d > 10*time.Second {
				t.Errorf("the slowest delivery was answered after %v: the answer must not wait for the service's retries", d)
			}
			// Down for a while: at least one failed call per event, as
			// many as the worker gets to.
			waitFor(t, 30*time.Second, "a failed call of every event", func() bool { return svc.failures.Load() >= events })
			svc.down.Store(false)
			waitFor(t, 60*time.Second, "every event to reach the service", func() bool {
				s, err := st.Stats(t.Context())
				return err == nil && s.Inbox.Delivered == events
			})
			keys, calls, succeeded, repeated := svc.counts()
			if keys != events || succeeded != events || len(repeated) != 0 {
				t.Errorf("the service saw %d events and accepted %d, want %d each exactly once; accepted more than once: %v", keys, succeeded, events, repeated)
			}
			if s, _ := st.Stats(t.Context()); s.Inbox != (store.Counts{Delivered: events}) {
				t.Errorf("inbox = %+v, want %d delivered", s.Inbox, events)
			}
			t.Logf("%s: %d deliveries answered 200 (the slowest in %v) while the service was down; %d calls of the service, %d failed, %d accepted",
				sc.name, events, time.Duration(slowest.Load()).Round(time.Millisecond), calls, svc.failures.Load(), succeeded)
		})
	}
}

// TestServiceAlwaysFails: an event the service never accepts ends as a
// dead letter after its retry budget, which can be listed (metadata only)
// and requeued; the requeued event reaches the repaired service.
func TestServiceAlwaysFails(t *testing.T) {
	p, _ := providers.Lookup("retell")
	for _, sc := range inboxStores {
		t.Run(sc.name, func(t *testing.T) {
			st := openDSN(t, sc.dsn(t))
			svc := &downService{}
			svc.down.Store(true)
			w := fastInbox(t, st)
			h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Inbox: w, ServiceMaxAttempts: 3})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			ids := callIDs(sc.name+"-dead", 1, 5)
			for _, id := range ids {
				if status, _ := timedPost(t, p, srv.URL, id); status != http.StatusOK {
					t.Fatalf("%s answered %d, want 200", id, status)
				}
			}
			waitFor(t, 30*time.Second, "every event to be dead-lettered", func() bool {
				s, err := st.Stats(t.Context())
				return err == nil && s.Inbox.Dead == int64(len(ids))
			})
			if _, calls, _, _ := svc.counts(); calls != 3*len(ids) {
				t.Errorf("the service was called %d times, want 3 per event (the retry budget): %d", calls, 3*len(ids))
			}
			dead, err := st.Messages(t.Context(), store.Filter{Kind: store.Service, State: store.Dead})
			if err != nil || len(dead) != len(ids) {
				t.Fatalf("Messages(dead) = %d, %v; want %d", len(dead), err, len(ids))
			}
			for _, m := range dead {
				if m.Attempts != 3 || m.LastError != "gave up after 3 attempts; the last: the service returned an error (*errors.errorString)" || len(m.Body) != 0 {
					t.Errorf("dead letter %s: attempts %d, error %q, %d body bytes", m.ID, m.Attempts, m.LastError, len(m.Body))
				}
			}
			svc.down.Store(false)
			for _, m := range dead {
				if err := st.Requeue(t.Context(), m.ID); err != nil {
					t.Fatalf("Requeue(%s): %v", m.ID, err)
				}
			}
			w.Notify()
			waitFor(t, 30*time.Second, "the requeued events to reach the service", func() bool {
				s, err := st.Stats(t.Context())
				return err == nil && s.Inbox.Delivered == int64(len(ids))
			})
			if _, _, succeeded, repeated := svc.counts(); succeeded != len(ids) || len(repeated) != 0 {
				t.Errorf("the repaired service accepted %d events, want %d once each (repeated: %v)", succeeded, len(ids), repeated)
			}
		})
	}
}

// TestTwoReplicasShareTheInbox: two handler processes' worth of handlers
// and inbox workers on one PostgreSQL or Redis store get 100 concurrent
// duplicates of each event, spread over both; the service is called once
// per event.
func TestTwoReplicasShareTheInbox(t *testing.T) {
	p, _ := providers.Lookup("retell")
	for _, rs := range realStores {
		t.Run(rs.name, func(t *testing.T) {
			dsn := rs.fresh(t).dsn.String()
			svc := &downService{}
			var urls []string
			for range 2 {
				st := openDSN(t, dsn)
				h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Inbox: fastInbox(t, st)})
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(h)
				t.Cleanup(srv.Close)
				urls = append(urls, srv.URL)
			}
			const events, copies = 5, 100
			ids := callIDs(rs.name+"-replicas", 1, events)
			var wg sync.WaitGroup
			var ok, conflict atomic.Int64
			for _, id := range ids {
				for i := range copies {
					wg.Go(func() {
						switch status, _ := timedPost(t, p, urls[i%2], id); status {
						case http.StatusOK:
							ok.Add(1)
						case http.StatusConflict:
							conflict.Add(1) // a duplicate that waited out DuplicateWait
						default:
							t.Errorf("%s copy %d: %d", id, i, status)
						}
					})
				}
			}
			wg.Wait()
			st := openDSN(t, dsn)
			waitFor(t, 30*time.Second, "every event to reach the service", func() bool {
				s, err := st.Stats(t.Context())
				return err == nil && s.Inbox.Delivered == events
			})
			keys, calls, _, _ := svc.counts()
			if keys != events || calls != events {
				t.Errorf("the service saw %d events in %d calls, want %d in %d", keys, calls, events, events)
			}
			t.Logf("%s: %d events × %d concurrent copies over two replicas: %d answered 200, %d 409; %d service calls",
				rs.name, events, copies, ok.Load(), conflict.Load(), calls)
		})
	}
}
