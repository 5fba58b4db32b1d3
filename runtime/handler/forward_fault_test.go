package handler_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/runtime/forward"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/stdwebhooks"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// crmSecret signs the events the handler forwards (CRM_WEBHOOK_SECRET).
const crmSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

// downstream is the service the spec forwards events to. It checks every
// request's Standard Webhooks signature and misbehaves on the first attempt
// of each message as fault says; later attempts succeed. It processes each
// webhook-id once (retries carry the same id, so a receiver drops repeats).
type downstream struct {
	fault string

	mu        sync.Mutex
	attempts  map[string]int
	successes map[string]int // attempts answered 2xx in time
	processed map[string]int
	problems  []string
}

func (d *downstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	key, _ := stdwebhooks.ParseSecret(crmSecret)
	id, err := stdwebhooks.Verify(r.Header, body, time.Now(), stdwebhooks.DefaultTolerance, key)
	d.mu.Lock()
	if err != nil {
		d.problems = append(d.problems, "a forwarded event failed verification: "+err.Error())
		d.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	d.attempts[id]++
	if d.attempts[id] > 1 {
		if d.processed[id] == 0 {
			d.processed[id]++
		}
		d.successes[id]++
		d.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if d.fault == "slow" {
		d.processed[id]++ // processed, but the answer comes too late
	}
	d.mu.Unlock()
	switch d.fault {
	case "slow":
		<-r.Context().Done() // answer only after the sender gave up
	case "500":
		w.WriteHeader(http.StatusInternalServerError)
	case "close":
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	}
}

// check reports every message that was not delivered exactly once: one
// failed attempt, one retry with the same id answered 2xx, processed once.
func (d *downstream) check(t *testing.T, want []string) (attempts int) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.problems {
		t.Error(p)
	}
	if len(d.attempts) != len(want) {
		t.Errorf("the downstream saw %d messages, want %d", len(d.attempts), len(want))
	}
	for _, id := range want {
		if d.attempts[id] != 2 || d.successes[id] != 1 || d.processed[id] != 1 {
			t.Errorf("message %s: %d attempts, %d answered 2xx, processed %d times; want 2, 1 and 1", id, d.attempts[id], d.successes[id], d.processed[id])
		}
		attempts += d.attempts[id]
	}
	return attempts
}

// TestForwardFaults forwards the events of accepted deliveries to a
// downstream that, on the first attempt of each message, answers too late
// (after the sender's timeout, having processed it), answers 500, or closes
// the connection. Every message is retried with the same webhook-id and
// processed downstream exactly once; nothing is dead-lettered.
func TestForwardFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the forwarding worker against a faulty downstream")
	}
	for _, fault := range []string{"slow", "500", "close"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			ds := &downstream{fault: fault, attempts: map[string]int{}, successes: map[string]int{}, processed: map[string]int{}}
			srv := httptest.NewTLSServer(ds)
			defer srv.Close()
			st, err := storeopen.Open("sqlite:" + filepath.Join(t.TempDir(), "callspec.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()

			worker, err := forward.New(forward.Config{
				Store: st, Workers: 8, PollInterval: 20 * time.Millisecond, Timeout: time.Second,
				BackoffBase: 10 * time.Millisecond, BackoffCap: 50 * time.Millisecond,
				Client:       toDownstream(srv),
				LookupSecret: func(name string) (string, bool) { return crmSecret, name == "CRM_WEBHOOK_SECRET" },
				Logger:       slog.New(slog.DiscardHandler),
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			wg.Go(func() { worker.Run(ctx) })
			defer func() { cancel(); wg.Wait() }()

			svc := &keyedService{}
			h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Enqueued: worker.Notify, Inbox: idleInbox(t, st)})
			if err != nil {
				t.Fatal(err)
			}
			hooks := httptest.NewServer(inline(t, h))
			defer hooks.Close()
			pl := newPlatform(t, "retell", hooks.URL)
			const events = 30
			ids := callIDs("forward-"+fault, 1, events)
			for id, status := range pl.postAll(ids) {
				if status != http.StatusOK {
					t.Fatalf("%s: %d", id, status)
				}
			}
			var stats store.Stats
			waitFor(t, 60*time.Second, "every forwarded event to be delivered", func() bool {
				stats, err = st.Stats(context.Background())
				return err == nil && stats.Delivered+stats.Dead == events
			})
			var want []string
			for _, id := range ids {
				want = append(want, store.MessageID(intake.Definition().ID, id))
			}
			attempts := ds.check(t, want)
			if stats.Dead != 0 || stats.Delivered != events {
				t.Errorf("outbox %+v, want all %d delivered", stats, events)
			}
			keys, calls, _ := svc.seen()
			t.Logf("forward, downstream %s on the first attempt: %d events sent, %d stored in the outbox, %d delivered exactly once (%d attempts, %d dead); the service saw %d deliveries in %d calls",
				fault, events, stats.Pending+stats.Delivered+stats.Dead, stats.Delivered, attempts, stats.Dead, keys, calls)
		})
	}
}

// toDownstream returns a client that sends every request, whatever its
// host (the spec forwards to https://crm.example.com), to srv, trusting
// srv's certificate, which names example.com.
func toDownstream(srv *httptest.Server) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return &http.Client{
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
			},
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "example.com"},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
