package forward_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callspec/callspec/runtime/forward"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storetest"
)

const (
	workflow  = "maintenance_report_intake"
	secretEnv = "CRM_WEBHOOK_SECRET"
)

// failure is what the receiver does with one request.
type failure int

const (
	accept         failure = iota
	answer500              // 500 Internal Server Error
	answer503              // 503 with Retry-After: 0
	closeConn              // hang up without answering
	hang                   // never answer: the sender's timeout fires
	answerGone             // 410 Gone
	answerRedirect         // 302 to another path, which must not be followed
)

// receiver is the downstream service. It checks every request's signature
// with the reference Standard Webhooks library and that a message keeps its
// webhook-id and body across attempts, then does what plan says for the
// n-th attempt (1-based) of that webhook-id.
type receiver struct {
	t      *testing.T
	ref    *standardwebhooks.Webhook
	plan   func(id string, n int) failure
	now    func() time.Time // nil: check the timestamp against the real clock
	signal chan string      // if set, gets each request's id before it is answered

	mu         sync.Mutex
	attempts   map[string]int
	accepted   map[string]int
	bodies     map[string][]byte
	redirected int
	problems   []string
}

func newReceiver(t *testing.T, secret string, plan func(id string, n int) failure) *receiver {
	ref, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return &receiver{t: t, ref: ref, plan: plan, attempts: map[string]int{}, accepted: map[string]int{}, bodies: map[string][]byte{}}
}

func (rc *receiver) problem(format string, args ...any) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.problems = append(rc.problems, fmt.Sprintf(format, args...))
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/moved" {
		rc.mu.Lock()
		rc.redirected++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.problem("read a body: %v", err)
		return
	}
	id := r.Header.Get("webhook-id")
	if rc.now == nil {
		err = rc.ref.Verify(body, r.Header)
	} else {
		// A test clock is far from the real one: check the signature with
		// the reference library and the timestamp against the test clock.
		err = rc.ref.VerifyIgnoringTimestamp(body, r.Header)
		if ts, want := r.Header.Get("webhook-timestamp"), strconv.FormatInt(rc.now().Unix(), 10); ts != want {
			rc.problem("message %s carries webhook-timestamp %s, want the attempt's time %s", id, ts, want)
		}
	}
	if err != nil {
		rc.problem("message %s: the reference library refused the signature: %v", id, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var ev struct {
		Key string `json:"idempotency_key"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || id != store.MessageID(workflow, ev.Key) {
		rc.problem("message %s does not carry the webhook-id of its event %q (%v)", id, ev.Key, err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		rc.problem("message %s has Content-Type %q", id, ct)
	}
	rc.mu.Lock()
	rc.attempts[id]++
	n := rc.attempts[id]
	if prev, ok := rc.bodies[id]; ok && !bytes.Equal(prev, body) {
		rc.problems = append(rc.problems, fmt.Sprintf("message %s changed its body between attempts", id))
	}
	rc.bodies[id] = body
	rc.mu.Unlock()
	if rc.signal != nil {
		rc.signal <- id
	}
	switch rc.plan(id, n) {
	case accept:
		rc.mu.Lock()
		rc.accepted[id]++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case answer500:
		w.WriteHeader(http.StatusInternalServerError)
	case answer503:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	case closeConn:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			rc.problem("hijack: %v", err)
			return
		}
		conn.Close()
	case hang:
		<-r.Context().Done()
	case answerGone:
		w.WriteHeader(http.StatusGone)
	case answerRedirect:
		http.Redirect(w, r, "/moved", http.StatusFound)
	}
}

// check fails t on any problem the receiver saw.
func (rc *receiver) check(t *testing.T) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, p := range rc.problems {
		t.Error(p)
	}
}

// failed reports whether the receiver has seen a problem.
func (rc *receiver) failed() bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.problems) > 0
}

func (rc *receiver) counts(id string) (attempts, accepted int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.attempts[id], rc.accepted[id]
}

func newSecret(t *testing.T) string {
	key := make([]byte, 32)
	rand.Read(key)
	return "whsec_" + base64.StdEncoding.EncodeToString(key)
}

func secrets(secret string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if name == secretEnv {
			return secret, true
		}
		return "", false
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// enqueue stores n deliveries, each forwarding one event to url, as the
// handler would, and returns their message ids.
func enqueue(t *testing.T, st store.Store, url string, n, maxAttempts int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		key := fmt.Sprintf("call-%03d", i)
		c, err := st.Claim(t.Context(), store.Key(workflow, key), 30*time.Second)
		if err != nil || c.Outcome != store.Acquired {
			t.Fatalf("Claim(%q) = %v, %v", key, c.Outcome, err)
		}
		body := fmt.Appendf(nil, `{"event":"call_app.completed","workflow_id":%q,"fields":{"location":"kitchen-sink-marker"},"idempotency_key":%q}`, workflow, key)
		m := &store.Message{ID: store.MessageID(workflow, key), WorkflowID: workflow, URL: url, SecretEnv: secretEnv, Body: body, MaxAttempts: maxAttempts}
		if err := st.Complete(t.Context(), c, store.Result{Status: 200, Body: []byte(`{"ok":true}`)}, m); err != nil {
			t.Fatalf("Complete(%q): %v", key, err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func stats(t *testing.T, st store.Store) store.Stats {
	t.Helper()
	s, err := st.Stats(t.Context())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return s
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, deadline time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up after %v waiting for %s", deadline, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestEveryEventDeliveredOnceThroughAnOutage is the forwarding acceptance
// test: the receiver fails each event's first three attempts (500, a
// dropped connection, then a 503 or a timeout) and accepts the fourth. Two
// workers (over two handles of one location for the durable stores: two
// replicas) must deliver every event exactly once, with a valid signature
// and the same webhook-id on every attempt, and attempt nothing more.
func TestEveryEventDeliveredOnceThroughAnOutage(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			open := b.Fresh(t)
			first := storetest.MustOpen(t, open)
			replicas := []store.Store{first, first}
			if b.Durable {
				replicas[1] = storetest.MustOpen(t, open)
			}
			secret := newSecret(t)
			var hangs sync.Map
			rc := newReceiver(t, secret, func(id string, n int) failure {
				switch n {
				case 1:
					return answer500
				case 2:
					return closeConn
				case 3:
					if _, ok := hangs.Load(id); ok {
						return hang
					}
					return answer503
				}
				return accept
			})
			srv := httptest.NewServer(rc)
			defer srv.Close()

			const events = 40
			ids := enqueue(t, first, srv.URL+"/hooks/callspec", events, 10)
			for i, id := range ids {
				if i%5 == 0 {
					hangs.Store(id, true)
				}
			}
			ctx, cancel := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			for _, st := range replicas {
				w, err := forward.New(forward.Config{
					Store: st, Workers: 3, PollInterval: 5 * time.Millisecond, Timeout: 100 * time.Millisecond,
					BackoffBase: 2 * time.Millisecond, BackoffCap: 20 * time.Millisecond,
					LookupSecret: secrets(secret), Logger: quietLogger(),
				})
				if err != nil {
					t.Fatal(err)
				}
				wg.Go(func() { w.Run(ctx) })
			}
			waitFor(t, 60*time.Second, "every event to be delivered", func() bool {
				return rc.failed() || stats(t, first).Delivered == events
			})
			cancel()
			wg.Wait()

			rc.check(t)
			if t.Failed() {
				return
			}
			for _, id := range ids {
				if attempts, accepted := rc.counts(id); attempts != 4 || accepted != 1 {
					t.Errorf("message %s: %d attempts and %d accepted, want 4 attempts and exactly 1 accepted", id, attempts, accepted)
				}
			}
			if got := stats(t, first); got != (store.Stats{Counts: store.Counts{Delivered: events}}) {
				t.Errorf("Stats = %+v, want all %d delivered", got, events)
			}
		})
	}
}

// stepper drives a worker by hand on a test clock over a memory store.
type stepper struct {
	t     *testing.T
	clock *storetest.Clock
	st    store.Store
	w     *forward.Worker
}

func newStepper(t *testing.T, cfg forward.Config) *stepper {
	clock := storetest.NewClock(storetest.Start)
	st := storetest.MustOpen(t, storetest.Memory().Fresh(t), store.WithClock(clock.Now))
	cfg.Store, cfg.Now = st, clock.Now
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func() float64 { return 0.5 }
	}
	w, err := forward.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &stepper{t: t, clock: clock, st: st, w: w}
}

// step runs one AttemptNext and checks whether a message was due.
func (s *stepper) step(wantDue bool) {
	s.t.Helper()
	due, err := s.w.AttemptNext(s.t.Context())
	if err != nil {
		s.t.Fatalf("AttemptNext: %v", err)
	}
	if due != wantDue {
		s.t.Fatalf("at %v, AttemptNext found a message due: %v, want %v", s.clock.Now().Sub(storetest.Start), due, wantDue)
	}
}

// nextAfter checks that the next attempt comes exactly delay from now.
func (s *stepper) nextAfter(delay time.Duration) {
	s.t.Helper()
	if delay > time.Millisecond {
		s.clock.Advance(delay - time.Millisecond)
		s.step(false)
		s.clock.Advance(time.Millisecond)
	} else {
		s.clock.Advance(delay)
	}
	s.step(true)
}

func TestRetryScheduleThenDeadLetter(t *testing.T) {
	secret := newSecret(t)
	rc := newReceiver(t, secret, func(string, int) failure { return answer500 })
	srv := httptest.NewServer(rc)
	defer srv.Close()
	s := newStepper(t, forward.Config{BackoffBase: 4 * time.Second, BackoffCap: 10 * time.Second, LookupSecret: secrets(secret)})
	rc.now = s.clock.Now
	id := enqueue(t, s.st, srv.URL, 1, 5)[0]

	s.step(true)
	// Jitter 0.5 of 4s, 8s, then the 10s cap.
	for _, delay := range []time.Duration{2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second} {
		s.nextAfter(delay)
	}
	s.clock.Advance(24 * time.Hour)
	s.step(false)

	rc.check(t)
	if attempts, accepted := rc.counts(id); attempts != 5 || accepted != 0 {
		t.Errorf("%d attempts, %d accepted; want 5 and 0", attempts, accepted)
	}
	if got := stats(t, s.st); got != (store.Stats{Counts: store.Counts{Dead: 1}}) {
		t.Errorf("Stats = %+v, want one dead letter", got)
	}
	dead, err := s.st.DeadLetters(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].ID != id || dead[0].Attempts != 5 ||
		dead[0].LastError != "gave up after 5 attempts; the last: the receiver answered 500 Internal Server Error" {
		t.Errorf("DeadLetters = %+v", dead)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(now time.Time) string
		want   time.Duration
	}{
		{"seconds", func(time.Time) string { return "120" }, 120 * time.Second},
		{"HTTP date", func(now time.Time) string { return now.Add(90 * time.Second).Format(http.TimeFormat) }, 90 * time.Second},
		{"beyond the cap", func(time.Time) string { return "86400" }, time.Hour},
		{"malformed", func(time.Time) string { return "soon" }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := newSecret(t)
			var s *stepper
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.header(s.clock.Now()))
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			s = newStepper(t, forward.Config{LookupSecret: secrets(secret), Jitter: func() float64 { return 0 }})
			enqueue(t, s.st, srv.URL, 1, 3)
			s.step(true)
			s.nextAfter(tc.want)
		})
	}
}

func TestStatusHandling(t *testing.T) {
	for _, tc := range []struct {
		status    int
		wantStats store.Stats
	}{
		{200, store.Stats{Counts: store.Counts{Delivered: 1}}},
		{201, store.Stats{Counts: store.Counts{Delivered: 1}}},
		{204, store.Stats{Counts: store.Counts{Delivered: 1}}},
		{299, store.Stats{Counts: store.Counts{Delivered: 1}}},
		{410, store.Stats{Counts: store.Counts{Dead: 1}}},
		{302, store.Stats{Counts: store.Counts{Pending: 1}}},
		{400, store.Stats{Counts: store.Counts{Pending: 1}}},
		{404, store.Stats{Counts: store.Counts{Pending: 1}}},
		{429, store.Stats{Counts: store.Counts{Pending: 1}}},
		{500, store.Stats{Counts: store.Counts{Pending: 1}}},
		{502, store.Stats{Counts: store.Counts{Pending: 1}}},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			var moved atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/moved" {
					moved.Add(1)
					return
				}
				if tc.status == 302 {
					http.Redirect(w, r, "/moved", http.StatusFound)
					return
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			secret := newSecret(t)
			s := newStepper(t, forward.Config{LookupSecret: secrets(secret)})
			enqueue(t, s.st, srv.URL, 1, 3)
			s.step(true)
			if got := stats(t, s.st); got != tc.wantStats {
				t.Errorf("after answering %d: Stats = %+v, want %+v", tc.status, got, tc.wantStats)
			}
			if moved.Load() != 0 {
				t.Error("the worker followed a redirect")
			}
			if tc.status == 410 {
				dead, _ := s.st.DeadLetters(t.Context(), 1)
				if len(dead) != 1 || dead[0].Attempts != 1 || !strings.Contains(dead[0].LastError, "410") {
					t.Errorf("DeadLetters after 410 = %+v, want the message after one attempt", dead)
				}
			}
		})
	}
}

// TestAbandonedAttemptIsRetriedAfterLease simulates a worker killed during
// an attempt: its lease runs out and another worker delivers the message,
// once.
func TestAbandonedAttemptIsRetriedAfterLease(t *testing.T) {
	secret := newSecret(t)
	rc := newReceiver(t, secret, func(string, int) failure { return accept })
	srv := httptest.NewServer(rc)
	defer srv.Close()
	const lease = 45 * time.Second
	s := newStepper(t, forward.Config{LookupSecret: secrets(secret), Lease: lease})
	rc.now = s.clock.Now
	id := enqueue(t, s.st, srv.URL, 1, 3)[0]

	if ms, err := s.st.LeaseDue(t.Context(), store.Forward, 1, lease); err != nil || len(ms) != 1 {
		t.Fatalf("the dying worker's LeaseDue = %d messages, %v", len(ms), err)
	} // ... and the dying worker never records anything.
	s.step(false)
	s.nextAfter(lease)
	s.clock.Advance(24 * time.Hour)
	s.step(false)

	rc.check(t)
	if attempts, accepted := rc.counts(id); attempts != 1 || accepted != 1 {
		t.Errorf("%d requests, %d accepted; want exactly one of each", attempts, accepted)
	}
	if got := stats(t, s.st); got != (store.Stats{Counts: store.Counts{Delivered: 1}}) {
		t.Errorf("Stats = %+v", got)
	}
}

func TestMissingSecretIsRetriedThenDeadLettered(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	defer srv.Close()
	s := newStepper(t, forward.Config{LookupSecret: func(string) (string, bool) { return "", false }, Jitter: func() float64 { return 0 }})
	enqueue(t, s.st, srv.URL, 1, 2)
	s.step(true)
	s.step(true)
	s.step(false)
	if n := requests.Load(); n != 0 {
		t.Errorf("%d unsigned requests were sent", n)
	}
	dead, err := s.st.DeadLetters(t.Context(), 1)
	if err != nil || len(dead) != 1 || !strings.Contains(dead[0].LastError, secretEnv) {
		t.Fatalf("DeadLetters = %+v, %v; want the message, naming %s", dead, err, secretEnv)
	}
}

func TestLogsHoldNoBodyURLOrSecret(t *testing.T) {
	secret := newSecret(t)
	var gone sync.Map
	rc := newReceiver(t, secret, func(id string, n int) failure {
		if _, ok := gone.Load(id); ok {
			return answerGone
		}
		if n == 1 {
			return answer500
		}
		return accept
	})
	srv := httptest.NewServer(rc)
	defer srv.Close()
	var logs bytes.Buffer
	s := newStepper(t, forward.Config{LookupSecret: secrets(secret), Jitter: func() float64 { return 0 },
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	rc.now = s.clock.Now
	ids := enqueue(t, s.st, srv.URL+"/hooks?token=url-token-marker", 8, 3)
	gone.Store(ids[0], true)
	gone.Store(ids[5], true)
	for due := true; due; {
		var err error
		if due, err = s.w.AttemptNext(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	rc.check(t)
	out := logs.String()
	for _, secretish := range []string{"kitchen-sink-marker", "url-token-marker", srv.URL, secret, secret[len("whsec_"):]} {
		if strings.Contains(out, secretish) {
			t.Errorf("the logs contain %q:\n%s", secretish, out)
		}
	}
	for _, want := range []string{ids[1], `"attempt":1`, `"status":500`, "delivered", "dead-lettered", "will retry"} {
		if !strings.Contains(out, want) {
			t.Errorf("the logs lack %q:\n%s", want, out)
		}
	}
}

func TestNotifyWakesAnIdleWorkerAndRunStops(t *testing.T) {
	secret := newSecret(t)
	rc := newReceiver(t, secret, func(string, int) failure { return accept })
	srv := httptest.NewServer(rc)
	defer srv.Close()
	st := storetest.MustOpen(t, storetest.Memory().Fresh(t))
	w, err := forward.New(forward.Config{Store: st, Workers: 2, PollInterval: time.Hour, LookupSecret: secrets(secret), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	enqueue(t, st, srv.URL, 1, 3)
	w.Notify()
	waitFor(t, 10*time.Second, "the notified worker to deliver", func() bool { return stats(t, st).Delivered == 1 })
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop after its context was cancelled")
	}
	rc.check(t)
}

// TestStopFinishesTheAttemptUnderWay cancels Run while the receiver holds a
// request: the attempt completes and is recorded as delivered, not retried.
func TestStopFinishesTheAttemptUnderWay(t *testing.T) {
	secret := newSecret(t)
	release := make(chan struct{})
	rc := newReceiver(t, secret, func(string, int) failure { <-release; return accept })
	rc.signal = make(chan string, 1)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	st := storetest.MustOpen(t, storetest.Memory().Fresh(t))
	w, err := forward.New(forward.Config{Store: st, Workers: 1, PollInterval: time.Millisecond, LookupSecret: secrets(secret), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, srv.URL, 1, 3)
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	<-rc.signal // the request is at the receiver
	cancel()
	close(release)
	<-stopped
	rc.check(t)
	if got := stats(t, st); got != (store.Stats{Counts: store.Counts{Delivered: 1}}) {
		t.Errorf("Stats after stopping = %+v, want the attempt under way recorded as delivered", got)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	st := storetest.MustOpen(t, storetest.Memory().Fresh(t))
	for name, cfg := range map[string]forward.Config{
		"no store":               {},
		"lease within timeout":   {Store: st, Timeout: 30 * time.Second, Lease: 30 * time.Second},
		"cap below base":         {Store: st, BackoffBase: time.Minute, BackoffCap: time.Second},
		"negative poll interval": {Store: st, PollInterval: -time.Second},
	} {
		if _, err := forward.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
