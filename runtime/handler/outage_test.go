package handler_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// keyedService counts the calls it gets per idempotency key.
type keyedService struct {
	mu    sync.Mutex
	calls map[string]int
}

func (s *keyedService) record(ev string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[ev]++
	return nil
}

func (s *keyedService) CreateWorkOrder(_ context.Context, o *intake.Outcome) error {
	return s.record(o.Event.IdempotencyKey)
}

func (s *keyedService) Handoff(_ context.Context, h *intake.Handoff) error {
	return s.record(h.Event.IdempotencyKey)
}

// seen returns how many keys the service saw, how many calls it got, and
// the keys it saw more than once.
func (s *keyedService) seen() (keys, calls int, repeated []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, n := range s.calls {
		keys++
		calls += n
		if n > 1 {
			repeated = append(repeated, k)
		}
	}
	return keys, calls, repeated
}

func (s *keyedService) saw(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[key] > 0
}

// platform posts signed deliveries as a voice platform does, and keeps a
// ledger of every answer.
type platform struct {
	t      *testing.T
	p      providers.Adapter
	url    string
	client *http.Client

	mu       sync.Mutex
	requests int
	byStatus map[int]int
	// acked holds the body of every 200 answer per call id.
	acked map[string][][]byte
}

func newPlatform(t *testing.T, provider, url string) *platform {
	p, err := providers.Lookup(provider)
	if err != nil {
		t.Fatal(err)
	}
	return &platform{t: t, p: p, url: url, client: &http.Client{Timeout: 30 * time.Second},
		byStatus: map[int]int{}, acked: map[string][][]byte{}}
}

// post sends the delivery of one call, signed now, and returns the status.
func (pl *platform) post(callID string) int {
	f := &fixture{t: pl.t, p: pl.p}
	body := f.delivery(callID, routine())
	h, err := pl.p.Sign([]byte(secret), body, time.Now())
	if err != nil {
		pl.t.Error(err)
		return 0
	}
	req, _ := http.NewRequest(http.MethodPost, pl.url, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := pl.client.Do(req)
	if err != nil {
		pl.t.Errorf("post %s: %v", callID, err)
		return 0
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.requests++
	pl.byStatus[resp.StatusCode]++
	if resp.StatusCode == http.StatusOK {
		pl.acked[callID] = append(pl.acked[callID], answer)
	}
	return resp.StatusCode
}

// postAll posts every call at once and returns the statuses by call id.
func (pl *platform) postAll(ids []string) map[string]int {
	var mu sync.Mutex
	out := map[string]int{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			status := pl.post(id)
			mu.Lock()
			out[id] = status
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// retryUntilAccepted retries each call, as the platform does after a 409 or
// a 5xx, until it is answered 200.
func (pl *platform) retryUntilAccepted(ids []string) {
	pl.t.Helper()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			deadline := time.Now().Add(60 * time.Second)
			for pl.post(id) != http.StatusOK {
				if time.Now().After(deadline) {
					pl.t.Errorf("%s was not accepted within a minute of retries", id)
					return
				}
				time.Sleep(100 * time.Millisecond) // the platform's retry interval
			}
		})
	}
	wg.Wait()
}

func (pl *platform) summary() string {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	codes := make([]int, 0, len(pl.byStatus))
	for c := range pl.byStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", pl.byStatus[c], c))
	}
	return fmt.Sprintf("%d requests (%s)", pl.requests, strings.Join(parts, ", "))
}

func callIDs(prefix string, from, to int) []string {
	var ids []string
	for i := from; i <= to; i++ {
		ids = append(ids, fmt.Sprintf("%s-%03d", prefix, i))
	}
	return ids
}

// TestStoreOutage runs the handler on PostgreSQL and on Redis through a
// fault proxy and takes the store away three ways: refused (the server is
// down), dropped (a partition: connections hang) and reset while
// deliveries are in flight (a restart). While the store is away the
// handler answers 503; nothing it answered 200 is missing from the store;
// the platform's retries after recovery succeed; and the service sees each
// delivery exactly once.
func TestStoreOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("takes the store down for seconds at a time")
	}
	for _, rs := range realStores {
		t.Run(rs.name, func(t *testing.T) {
			s := rs.fresh(t)
			proxy := proxyTo(t, s)
			st, err := storeopen.Open(s.through(proxy.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			direct, err := storeopen.Open(s.dsn.String())
			if err != nil {
				t.Fatal(err)
			}
			defer direct.Close()
			svc := &keyedService{}
			// A short inbox lease: an event whose outcome the reset lost is
			// handed over again soon.
			worker, err := inbox.New(inbox.Config{Store: st, Timeout: time.Second, Lease: 2 * time.Second,
				BackoffBase: 10 * time.Millisecond, BackoffCap: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			h, err := intake.NewHandler(svc, "retell", handler.Config{
				Store: st, Secret: []byte(secret), Lease: 2 * time.Second,
				StoreTimeout: 3 * time.Second, DuplicateWait: 500 * time.Millisecond, Inbox: worker,
			})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(inline(t, h))
			defer srv.Close()
			wantStatus := func(phase string, got map[string]int, want int) {
				t.Helper()
				for id, status := range got {
					if status != want {
						t.Errorf("%s: %s answered %d, want %d", phase, id, status, want)
					}
				}
			}
			// Each phase has its own platform, so that its ledger counts
			// the phase's requests alone.
			type phase struct {
				name string
				ids  []string // the deliveries new in this phase
				pl   *platform
				dups int // duplicates of earlier deliveries sent in this phase
			}
			phases := make([]phase, 0, 4) // newPhase hands out pointers into it
			newPhase := func(name, prefix string, n int) *phase {
				phases = append(phases, phase{name: name, ids: callIDs(rs.name+"-"+prefix, 1, n), pl: newPlatform(t, "retell", srv.URL)})
				return &phases[len(phases)-1]
			}

			// Up: every delivery is accepted.
			up := newPhase("store up", "up", 20)
			wantStatus(up.name, up.pl.postAll(up.ids), http.StatusOK)

			// Refused (the server is down): new deliveries and duplicates of
			// accepted ones get 503; after recovery the retries succeed.
			down := newPhase("store refusing connections", "down", 20)
			down.dups = 5
			proxy.Refuse()
			wantStatus(down.name, down.pl.postAll(append(down.ids, up.ids[:5]...)), http.StatusServiceUnavailable)
			if err := proxy.Restore(); err != nil {
				t.Fatal(err)
			}
			down.pl.retryUntilAccepted(append(down.ids, up.ids[:5]...))

			// Partitioned: connections hang; the store timeout turns that
			// into 503.
			partition := newPhase("store partitioned (connections hang)", "partition", 10)
			proxy.Drop()
			wantStatus(partition.name, partition.pl.postAll(partition.ids), http.StatusServiceUnavailable)
			if err := proxy.Restore(); err != nil {
				t.Fatal(err)
			}
			partition.pl.retryUntilAccepted(partition.ids)

			// Restarted while 50 deliveries are in flight: every connection
			// is reset once after the service has seen some of them.
			restart := newPhase("store restarted mid-run (every connection reset)", "restart", 50)
			done := make(chan map[string]int)
			go func() { done <- restart.pl.postAll(restart.ids) }()
			waitFor(t, 30*time.Second, "the service to see ten deliveries before the restart", func() bool {
				n := 0
				for _, id := range restart.ids {
					if svc.saw(id) {
						n++
					}
				}
				return n >= 10
			})
			proxy.Reset()
			var again []string
			for id, status := range <-done {
				if status != http.StatusOK {
					again = append(again, id)
				}
			}
			restart.pl.retryUntilAccepted(again)
			// Events the outages kept from the service are handed over from
			// the inbox now that the store is back.
			waitFor(t, 30*time.Second, "the inbox to be empty", func() bool {
				if !drain(t.Context(), worker) {
					return false
				}
				stats, err := direct.Stats(t.Context())
				return err == nil && stats.Inbox.Pending == 0
			})

			// Every delivery is stored, with the answer the platform got,
			// and reached the service exactly once.
			total := 0
			for _, ph := range phases {
				stored := 0
				for _, id := range ph.ids {
					c, err := direct.Claim(context.Background(), store.Key(intake.Definition().ID, id), time.Minute)
					if err != nil {
						t.Fatal(err)
					}
					if c.Outcome != store.Done {
						t.Errorf("%s was acknowledged but the store has no result for it (%s)", id, c.Outcome)
						continue
					}
					stored++
					for _, p := range phases {
						for _, answer := range p.pl.acked[id] {
							if !bytes.Equal(answer, c.Result.Body) {
								t.Errorf("%s: the platform was answered %q, but the store holds %q", id, answer, c.Result.Body)
							}
						}
					}
				}
				delivered, calls := 0, 0
				svc.mu.Lock()
				for _, id := range ph.ids { // the idempotency key is the call id
					if n := svc.calls[id]; n > 0 {
						delivered++
						calls += n
					}
				}
				svc.mu.Unlock()
				total += len(ph.ids)
				t.Logf("%s, %s: %d deliveries (and %d duplicates) sent in %s; %d stored; %d delivered to the service in %d calls",
					rs.name, ph.name, len(ph.ids), ph.dups, ph.pl.summary(), stored, delivered, calls)
			}
			stats, err := direct.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			keys, calls, repeated := svc.seen()
			if keys != total || calls != total {
				t.Errorf("the service saw %d deliveries in %d calls, want %d in %d; repeated: %v", keys, calls, total, total, repeated)
			}
			if outbox := stats.Pending + stats.Delivered + stats.Dead; outbox != int64(total) {
				t.Errorf("the outbox holds %d messages, want one per delivery: %d", outbox, total)
			}
			t.Logf("%s, all phases: %d deliveries; %d outbox messages stored; the service saw %d deliveries in %d calls; the proxy accepted %d connections",
				rs.name, total, stats.Pending+stats.Delivered+stats.Dead, keys, calls, proxy.Accepted())
		})
	}
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
