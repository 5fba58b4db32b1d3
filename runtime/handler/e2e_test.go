package handler_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// secret is a Standard Webhooks secret, which every scheme accepts.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// callerNumber and callbackNumber must never reach a log line.
const (
	callerNumber   = "+15551234567"
	callbackNumber = "+15557654321"
)

// service records what the generated handler hands it.
type service struct {
	mu       sync.Mutex
	outcomes []*intake.Outcome
	handoffs []*intake.Handoff
	failures int // fail this many calls first
}

func (s *service) CreateWorkOrder(ctx context.Context, o *intake.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures > 0 {
		s.failures--
		return errors.New("crm is down")
	}
	s.outcomes = append(s.outcomes, o)
	return nil
}

func (s *service) Handoff(ctx context.Context, h *intake.Handoff) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handoffs = append(s.handoffs, h)
	return nil
}

func (s *service) counts() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.outcomes), len(s.handoffs)
}

type fixture struct {
	t     *testing.T
	p     providers.Adapter
	svc   *service
	st    store.Store
	srv   *httptest.Server
	logs  *syncBuffer
	calls int
	// tokenInPath: the platform's secret is a token in the URL path.
	tokenInPath bool
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newFixture(t *testing.T, provider string) *fixture {
	t.Helper()
	p, err := providers.Lookup(provider)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, p: p, svc: &service{}, st: st, logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// No jitter: a failed call of the service is due again at once, so
	// inline retries it within the same delivery.
	worker, err := inbox.New(inbox.Config{Store: st, Logger: logger, Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	h, err := intake.NewHandler(f.svc, provider, handler.Config{Store: st, Secret: []byte(secret), Logger: logger, Inbox: worker})
	if err != nil {
		t.Fatal(err)
	}
	f.mount(h)
	return f
}

// hookPath is where the fixture mounts its handler.
const hookPath = "/hooks/intake/p"

// mount serves h at hookPath as Mount does (for a URL-token platform,
// also at hookPath/{token...}), each delivery drained inline.
func (f *fixture) mount(h *handler.Handler) {
	mux := http.NewServeMux()
	handler.Handle(mux, hookPath, h, func(next http.Handler) http.Handler { return inline(f.t, h) })
	f.tokenInPath = h.TokenInPath()
	f.srv = httptest.NewServer(mux)
	f.t.Cleanup(f.srv.Close)
}

// url is where a platform posts with key: hookPath, and for a URL-token
// platform the key as the last path segment.
func (f *fixture) url(key string) string {
	if f.tokenInPath {
		return f.srv.URL + hookPath + "/" + url.PathEscape(key)
	}
	return f.srv.URL + hookPath
}

// delivery encodes a call with fields in the platform's format.
func (f *fixture) delivery(callID string, fields map[string]any) []byte {
	f.t.Helper()
	in := &event.Inbound{
		Call:       event.Call{ID: callID, Provider: f.p.Name(), Status: "completed", Direction: "inbound", DurationS: 95},
		CallerFrom: callerNumber, CallerPhone: callerNumber, CalledTo: "+15550000000",
		Fields: fields,
	}
	body, err := f.p.Encode(in, intake.Definition())
	if err != nil {
		f.t.Fatal(err)
	}
	return body
}

func (f *fixture) post(body []byte, signedAt time.Time, key string) (int, string) {
	f.t.Helper()
	h, err := f.p.Sign([]byte(key), body, signedAt)
	if err != nil {
		f.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, f.url(key), bytes.NewReader(body))
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stored reports whether the store holds anything for a call id.
func (f *fixture) stored(callID string) bool {
	c, err := f.st.Claim(context.Background(), store.Key(intake.Definition().ID, callID), time.Minute)
	if err != nil {
		f.t.Fatal(err)
	}
	if c.Outcome == store.Acquired {
		_ = f.st.Release(context.Background(), c)
		return false
	}
	return true
}

func routine() map[string]any {
	return map[string]any{"issue_type": "leak", "location": "kitchen sink", "urgency": "routine", "permission_to_enter": true}
}

func TestEndToEndPerProvider(t *testing.T) {
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			now := time.Now()

			// A valid delivery: one typed outcome.
			body := f.delivery("call-1", routine())
			status, first := f.post(body, now, secret)
			if status != http.StatusOK {
				t.Fatalf("valid delivery: %d %s", status, first)
			}
			outcomes, _ := f.svc.counts()
			if outcomes != 1 {
				t.Fatalf("service saw %d outcomes", outcomes)
			}
			o := f.svc.outcomes[0]
			if o.Fields.IssueType != intake.IssueTypeLeak || o.Fields.Location != "kitchen sink" || o.Fields.Urgency != intake.UrgencyRoutine ||
				o.Fields.PermissionToEnter == nil || !*o.Fields.PermissionToEnter || o.Event.Event != event.Completed {
				t.Errorf("typed outcome: %+v %+v", o.Fields, o.Event)
			}

			// The same delivery again: the first answer, no second call.
			status, again := f.post(body, time.Now(), secret)
			if status != http.StatusOK || again != first {
				t.Errorf("duplicate: %d %q, want the first answer %q", status, again, first)
			}

			// 100 concurrent copies of a new delivery: one call, one answer.
			body2 := f.delivery("call-2", routine())
			var wg sync.WaitGroup
			answers := make([]string, 100)
			codes := make([]int, 100)
			for i := range answers {
				wg.Go(func() { codes[i], answers[i] = f.post(body2, time.Now(), secret) })
			}
			wg.Wait()
			for i := range answers {
				if codes[i] != http.StatusOK || answers[i] != answers[0] {
					t.Fatalf("concurrent copy %d: %d %q vs %q", i, codes[i], answers[i], answers[0])
				}
			}
			if outcomes, _ := f.svc.counts(); outcomes != 2 {
				t.Errorf("after 100 concurrent copies the service saw %d outcomes, want 2", outcomes)
			}

			// Forged and stale deliveries: 401 and nothing stored.
			forged := f.delivery("call-forged", routine())
			if status, _ := f.post(forged, now, "whsec_"+strings.Repeat("A", 32)); status != http.StatusUnauthorized {
				t.Errorf("wrong secret: %d", status)
			}
			tampered := bytes.Replace(f.delivery("call-tampered", routine()), []byte("kitchen sink"), []byte("kitchen sank"), 1)
			h, _ := f.p.Sign([]byte(secret), f.delivery("call-tampered", routine()), now)
			// Platforms that sign nothing carry a token in the URL (a bearer
			// token over TLS), which does not bind the body.
			bodyBound := map[string]bool{"retell": true, "vapi": true, "bland": true, "callurl": true}
			if err := f.p.Verify([]byte(secret), h, tampered, now); err == nil && bodyBound[name] {
				t.Error("a changed body verified")
			}
			stale := f.delivery("call-stale", routine())
			old := now.Add(-10 * time.Minute)
			oldHeaders, _ := f.p.Sign([]byte(secret), stale, old)
			if f.tokenInPath || f.p.Verify([]byte(secret), oldHeaders, stale, now) == nil {
				t.Logf("%s signatures carry no timestamp: a replay is caught by idempotency, not by age", name)
			} else if status, _ := f.post(stale, old, secret); status != http.StatusUnauthorized {
				t.Errorf("stale timestamp: %d", status)
			}
			for _, id := range []string{"call-forged", "call-stale"} {
				if f.stored(id) {
					t.Errorf("%s: something was stored for a delivery that failed verification", id)
				}
			}

			// Oversized and malformed bodies.
			huge := append(f.delivery("call-huge", routine()), bytes.Repeat([]byte(" "), 2<<20)...)
			if status, _ := f.post(huge, now, secret); status != http.StatusRequestEntityTooLarge {
				t.Errorf("2 MiB body: %d", status)
			}
			if status, answer := f.post([]byte(`{"call": {`), now, secret); status != http.StatusBadRequest || !strings.Contains(answer, "error") {
				t.Errorf("malformed JSON: %d %s", status, answer)
			}

			// A call that misses a required field hands off as incomplete.
			if status, answer := f.post(f.delivery("call-3", map[string]any{"issue_type": "leak"}), now, secret); status != http.StatusOK || !strings.Contains(answer, event.IncompleteCall) {
				t.Errorf("incomplete call: %d %s", status, answer)
			}
			// A sensitive call hands off after seed 001's shape.
			sensitive := map[string]any{"issue_type": "electrical", "location": "bedroom", "urgency": "urgent", "callback_phone": callbackNumber}
			if status, answer := f.post(f.delivery("call-4", sensitive), now, secret); status != http.StatusOK {
				t.Errorf("sensitive call: %d %s", status, answer)
			}
			_, handoffs := f.svc.counts()
			if handoffs != 2 {
				t.Fatalf("service saw %d handoffs, want 2", handoffs)
			}
			inc, sens := f.svc.handoffs[0], f.svc.handoffs[1]
			if inc.Info.Reason != event.IncompleteCall || len(inc.Info.MissingFields) != 2 {
				t.Errorf("incomplete handoff: %+v", inc.Info)
			}
			want := event.HandoffInfo{Reason: "emergency_or_sensitive_request", Severity: "urgent", Owner: "on_call_maintenance",
				Notify: []string{"sms", "slack"}, CallerMessage: "I am marking this for a person now. Someone from the on-call team will call you back shortly."}
			if fmt.Sprint(sens.Info) != fmt.Sprint(want) || sens.Event.Event != event.Handoff {
				t.Errorf("sensitive handoff:\n got  %+v\n want %+v", sens.Info, want)
			}
			if sens.Fields.CallbackPhone == nil || *sens.Fields.CallbackPhone != callbackNumber {
				t.Errorf("typed callback phone: %v", sens.Fields.CallbackPhone)
			}

			// The service fails once: the platform is answered 200 all the
			// same, the inbox worker retries the call, which succeeds once,
			// and the platform's retries are answered from the store.
			f.svc.failures = 1
			before, _ := f.svc.counts()
			body5 := f.delivery("call-5", routine())
			status5, first5 := f.post(body5, now, secret)
			if status5 != http.StatusOK {
				t.Errorf("failing service: %d, want 200: the platform never waits for the service", status5)
			}
			if status, again := f.post(body5, time.Now(), secret); status != http.StatusOK || again != first5 {
				t.Errorf("retry after failure: %d %q, want the first answer", status, again)
			}
			if after, _ := f.svc.counts(); after != before+1 || f.svc.failures != 0 {
				t.Errorf("the event reached the service %d times after %d failures left, want once after the failure", after-before, f.svc.failures)
			}

			// Nothing personal in the logs.
			logs := f.logs.String()
			for _, leaked := range []string{callerNumber, callbackNumber, "5551234567", "7654321", "kitchen sink", "bedroom"} {
				if strings.Contains(logs, leaked) {
					t.Errorf("a log line contains %q", leaked)
				}
			}
			if !strings.Contains(logs, `"call.id":"call-1"`) || !strings.Contains(logs, `"fields.issue_type":"leak"`) {
				t.Errorf("the allowed attributes are missing from the logs:\n%s", logs)
			}
		})
	}
}

// inline serves h and then, before the answer leaves, hands every stored
// event that is due to the service through h's inbox worker, so that tests
// of the decision see the service's calls as soon as a delivery is
// answered 200. The handler itself answers without waiting for the
// service (see inbox_test.go). A store that fails leaves the rest for a
// later drain.
func inline(t testing.TB, h *handler.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusOK {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Second)
			drain(ctx, h.Inbox())
			cancel()
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// drain steps w until no event is due or the store fails, and reports
// whether it stopped because none was due.
func drain(ctx context.Context, w *inbox.Worker) bool {
	for {
		attempted, err := w.AttemptNext(ctx)
		if err != nil {
			return false
		}
		if !attempted {
			return true
		}
	}
}

// idleInbox is an inbox worker that nothing runs: inline and drain step
// it. Giving it to a handler makes the handler store events for it.
func idleInbox(t testing.TB, st store.Store) *inbox.Worker {
	t.Helper()
	w, err := inbox.New(inbox.Config{Store: st, Logger: slog.New(slog.DiscardHandler), Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWithoutAWorkerTheServiceRunsInTheRequest: a handler given no inbox
// worker whose Run nobody calls (a program written before the inbox) calls
// the service inside the request, as it used to: a failure answers 500
// and the platform's retry runs it again; once Run runs, events go
// through the inbox.
func TestWithoutAWorkerTheServiceRunsInTheRequest(t *testing.T) {
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := &service{failures: 1}
	h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	p, _ := providers.Lookup("retell")
	f := &fixture{t: t, p: p, srv: srv}
	body := f.delivery("legacy-1", routine())
	if status, _ := f.post(body, time.Now(), secret); status != http.StatusInternalServerError {
		t.Fatalf("a failing service without a worker: %d, want 500", status)
	}
	if status, _ := f.post(body, time.Now(), secret); status != http.StatusOK {
		t.Fatalf("the retry: %d, want 200", status)
	}
	if n, _ := svc.counts(); n != 1 {
		t.Fatalf("the service accepted %d events, want 1", n)
	}
	if s, _ := st.Stats(t.Context()); s.Inbox != (store.Counts{}) {
		t.Errorf("inbox = %+v, want nothing stored without a worker", s.Inbox)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "Run to start", func() bool {
		status, _ := f.post(f.delivery("durable-1", routine()), time.Now(), secret)
		s, _ := st.Stats(t.Context())
		return status == http.StatusOK && s.Inbox.Pending+s.Inbox.Delivered == 1
	})
	waitFor(t, 10*time.Second, "the worker to call the service", func() bool { n, _ := svc.counts(); return n == 2 })
}
