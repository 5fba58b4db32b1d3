// Package storetest is the conformance suite every store.Store
// implementation passes, and the test locations (a temporary SQLite file, a
// PostgreSQL schema, a Redis key prefix) the store and forward tests open.
//
// Time in the suite is a Clock moved by hand, so lease expiry is tested
// without sleeping; concurrency is tested with real goroutines racing on
// one store, and, for durable backends, on two handles of one location (two
// replicas).
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/callspec/callspec/internal/badinput"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// Start is the time every suite clock starts at.
var Start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run runs the conformance suite against b. Each case gets a fresh
// location, so the cases run in parallel.
func Run(t *testing.T, b Backend) {
	if b.Unavailable != nil {
		if why := b.Unavailable(); why != "" {
			t.Skip(why)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.durable && !b.Durable {
				t.Skipf("the %s store does not outlive its handle; this case is for durable stores", b.Name)
			}
			t.Parallel()
			h := &harness{clock: NewClock(Start), open: b.Fresh(t), ctx: t.Context()}
			c.run(t, h)
		})
	}
}

type harness struct {
	clock *Clock
	open  Opener
	ctx   context.Context
}

// store opens a new handle on the case's location, reading h's clock.
func (h *harness) store(t *testing.T) store.Store {
	t.Helper()
	return MustOpen(t, h.open, store.WithClock(h.clock.Now))
}

const (
	lease     = 30 * time.Second
	sendLease = time.Minute
	workflow  = "maintenance_report_intake"
)

var cases = []struct {
	name    string
	durable bool
	run     func(t *testing.T, h *harness)
}{
	{name: "FirstClaimIsAcquired", run: testFirstClaimAcquired},
	{name: "KeyOfAnyBytes", run: testKeyOfAnyBytes},
	{name: "DuplicateWhileInProgressIsBusy", run: testDuplicateBusy},
	{name: "DuplicateAfterCompleteReplaysResult", run: testDoneReplays},
	{name: "ConcurrentClaimsAcquireOnce", run: testConcurrentClaims},
	{name: "ExpiredClaimIsTakenOver", run: testExpiredClaim},
	{name: "AbandonedClaimIsProcessedOnceAfterLease", run: testAbandonedClaim},
	{name: "ReleaseMakesKeyClaimableAtOnce", run: testRelease},
	{name: "CompleteTwiceFails", run: testCompleteTwice},
	{name: "InvalidArgumentsAreRefused", run: testInvalidArguments},
	{name: "CompleteWithMessageEnqueuesOne", run: testCompleteEnqueues},
	{name: "CompleteWithoutMessageEnqueuesNothing", run: testCompleteWithoutMessage},
	{name: "FailedCompleteStoresNothing", run: testFailedComplete},
	{name: "SameMessageIDIsEnqueuedOnce", run: testSameMessageID},
	{name: "ScheduledMessageWaits", run: testScheduledMessage},
	{name: "LeaseDueIsExclusiveUnderConcurrency", run: testLeaseDueExclusive},
	{name: "LeaseDueOrderAndLimit", run: testLeaseDueOrder},
	{name: "ExpiredMessageLeaseIsTakenOver", run: testMessageLeaseExpiry},
	{name: "RetryIsScheduled", run: testRetry},
	{name: "DeadLetterAfterMaxAttempts", run: testDeadAfterMax},
	{name: "AbandonedFinalAttemptIsDeadLettered", run: testAbandonedFinalAttempt},
	{name: "AbandonedFinalAttemptsDoNotUseUpTheLimit", run: testAbandonedWithinLimit},
	{name: "DeliveredIsFinal", run: testDelivered},
	{name: "CompletedClaimsAreKeptUntilPruned", run: testKeptUntilPruned},
	{name: "PruneDeletesOnlyWhatOutlivedTheRetention", run: testPrune},
	{name: "PruneDeletesABacklogInBatches", run: testPruneBacklog},
	{name: "ClaimCompleteStoresInOneWrite", run: testClaimComplete},
	{name: "ClaimCompleteOfAHeldKey", run: testClaimCompleteHeld},
	{name: "ConcurrentClaimCompletesStoreOnce", run: testClaimCompleteConcurrent},
	{name: "TwoReplicasClaimAndLeaseExclusively", durable: true, run: testTwoReplicas},
	{name: "DataSurvivesCloseAndOpen", durable: true, run: testPersistence},
}

func claim(t *testing.T, h *harness, s store.Store, key string, want store.Outcome) store.Claim {
	t.Helper()
	c, err := s.Claim(h.ctx, key, lease)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	if c.Outcome != want {
		t.Fatalf("Claim(%q) = %s, want %s", key, c.Outcome, want)
	}
	if c.Key != key {
		t.Fatalf("Claim(%q).Key = %q", key, c.Key)
	}
	return c
}

// message is the forward of delivery key.
func message(key string, maxAttempts int) *store.Message {
	return &store.Message{
		ID:          store.MessageID(workflow, key),
		WorkflowID:  workflow,
		URL:         "https://crm.example.com/callspec",
		SecretEnv:   "CRM_WEBHOOK_SECRET",
		Body:        fmt.Appendf(nil, `{"event":"call_app.completed","idempotency_key":%q}`, key),
		MaxAttempts: maxAttempts,
	}
}

// enqueue claims and completes delivery key with a forward.
func enqueue(t *testing.T, h *harness, s store.Store, key string, maxAttempts int) *store.Message {
	t.Helper()
	c := claim(t, h, s, key, store.Acquired)
	m := message(key, maxAttempts)
	if err := s.Complete(h.ctx, c, store.Result{Status: 200, Body: []byte(`{"ok":true}`)}, m); err != nil {
		t.Fatalf("Complete(%q) with a message: %v", key, err)
	}
	return m
}

func leaseDue(t *testing.T, h *harness, s store.Store, n int) []store.Message {
	t.Helper()
	ms, err := s.LeaseDue(h.ctx, store.Forward, n, sendLease)
	if err != nil {
		t.Fatalf("LeaseDue(%d): %v", n, err)
	}
	if len(ms) > n {
		t.Fatalf("LeaseDue(%d) returned %d messages", n, len(ms))
	}
	return ms
}

func leaseOne(t *testing.T, h *harness, s store.Store) store.Message {
	t.Helper()
	ms := leaseDue(t, h, s, 10)
	if len(ms) != 1 {
		t.Fatalf("LeaseDue returned %d messages, want 1", len(ms))
	}
	return ms[0]
}

func wantStats(t *testing.T, h *harness, s store.Store, want store.Stats) {
	t.Helper()
	got, err := s.Stats(h.ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

func wantLeaseLost(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("%s: got error %v, want ErrLeaseLost", what, err)
	}
}

func testFirstClaimAcquired(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	if c.Token == "" {
		t.Error("an acquired claim has no token")
	}
	if c.Attempt != 1 {
		t.Errorf("Attempt = %d, want 1", c.Attempt)
	}
	if want := h.clock.Now().Add(lease); !c.LeaseUntil.Equal(want) {
		t.Errorf("LeaseUntil = %v, want %v", c.LeaseUntil, want)
	}
	// Another key is independent.
	claim(t, h, s, "call-2", store.Acquired)
}

// testKeyOfAnyBytes: an idempotency key holding a NUL byte or invalid
// UTF-8 (a CEL expression over what the platform sent can produce both)
// is claimed, completed and replayed like any other: PostgreSQL's text
// type refused it, and the handler answered every retry with a 503.
func testKeyOfAnyBytes(t *testing.T, h *harness) {
	s := h.store(t)
	for _, p := range badinput.Pairs(t, "store/keys.txt") {
		raw, err := strconv.Unquote(p.In)
		if err != nil {
			t.Fatalf("store/keys.txt:%d: %v", p.Line, err)
		}
		key := store.Key("wf", raw)
		if key != p.Want {
			t.Errorf("store/keys.txt:%d: Key(\"wf\", %s) = %q, want %q", p.Line, p.In, key, p.Want)
		}
		c := claim(t, h, s, key, store.Acquired)
		if err := s.Complete(h.ctx, c, store.Result{Status: 200, Body: []byte(`{"ok":true}`)}); err != nil {
			t.Fatalf("store/keys.txt:%d: Complete: %v", p.Line, err)
		}
		if again := claim(t, h, s, key, store.Done); string(again.Result.Body) != `{"ok":true}` {
			t.Errorf("store/keys.txt:%d: the replay answered %q, want the stored answer", p.Line, again.Result.Body)
		}
		if cc, ok := s.(store.ClaimCompleter); ok {
			key := store.Key("wf-one-write", raw)
			for _, want := range []store.Outcome{store.Acquired, store.Done} {
				if c, err := cc.ClaimComplete(h.ctx, key, lease, store.Result{Status: 200, Body: []byte(`{"ok":true}`)}); err != nil || c.Outcome != want {
					t.Errorf("store/keys.txt:%d: ClaimComplete = %s, %v; want %s", p.Line, c.Outcome, err, want)
				}
			}
		}
	}
}

func testDuplicateBusy(t *testing.T, h *harness) {
	s := h.store(t)
	first := claim(t, h, s, "call-1", store.Acquired)
	h.clock.Advance(lease - time.Millisecond)
	dup := claim(t, h, s, "call-1", store.Busy)
	if !dup.LeaseUntil.Equal(first.LeaseUntil) {
		t.Errorf("Busy.LeaseUntil = %v, want the holder's %v", dup.LeaseUntil, first.LeaseUntil)
	}
	if dup.Token != "" {
		t.Error("a busy claim carries a token")
	}
	if got := dup.RetryAfter(h.clock.Now()); got != time.Second {
		t.Errorf("RetryAfter a millisecond before the lease ends = %v, want 1s", got)
	}
}

func testDoneReplays(t *testing.T, h *harness) {
	s := h.store(t)
	results := map[string]store.Result{
		"call-json":  {Status: 200, Body: []byte(`{"event":"call_app.completed","next_action":"create_work_order"}`)},
		"call-bytes": {Status: 202, Body: []byte("binary \x00\xff\xfe and text")},
		"call-empty": {Status: 204},
	}
	for key, r := range results {
		c := claim(t, h, s, key, store.Acquired)
		if err := s.Complete(h.ctx, c, r, nil); err != nil {
			t.Fatalf("Complete(%q): %v", key, err)
		}
	}
	// Long after every lease ran out, duplicates still get the result.
	h.clock.Advance(24 * time.Hour)
	for key, want := range results {
		for range 2 {
			got := claim(t, h, s, key, store.Done)
			if got.Result.Status != want.Status || !bytes.Equal(got.Result.Body, want.Body) {
				t.Errorf("Claim(%q).Result = %d %q, want %d %q", key, got.Result.Status, got.Result.Body, want.Status, want.Body)
			}
			if got.Token != "" {
				t.Errorf("Claim(%q) is done but carries a token", key)
			}
		}
	}
}

// race runs f n times at once and returns the outcomes.
func race(t *testing.T, n int, f func(i int) (store.Claim, error)) map[store.Outcome]int {
	t.Helper()
	var (
		mu       sync.Mutex
		outcomes = map[store.Outcome]int{}
		errs     []error
		wg       sync.WaitGroup
		start    = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			c, err := f(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			outcomes[c.Outcome]++
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent claims failed: %v", err)
	}
	return outcomes
}

func testConcurrentClaims(t *testing.T, h *harness) {
	s := h.store(t)
	got := race(t, 100, func(int) (store.Claim, error) { return s.Claim(h.ctx, "call-1", lease) })
	if got[store.Acquired] != 1 || got[store.Busy] != 99 {
		t.Fatalf("100 concurrent claims of one key: %v, want 1 acquired and 99 busy", got)
	}
}

func testExpiredClaim(t *testing.T, h *harness) {
	s := h.store(t)
	stale := claim(t, h, s, "call-1", store.Acquired)
	h.clock.Advance(lease)
	fresh := claim(t, h, s, "call-1", store.Acquired)
	if fresh.Attempt != 2 {
		t.Errorf("Attempt of the takeover = %d, want 2", fresh.Attempt)
	}
	if fresh.Token == stale.Token {
		t.Error("the takeover has the stale claim's token")
	}
	wantLeaseLost(t, "Complete with the stale token", s.Complete(h.ctx, stale, store.Result{Status: 200}, message("call-1", 0)))
	wantLeaseLost(t, "Release with the stale token", s.Release(h.ctx, stale))
	claim(t, h, s, "call-1", store.Busy)
	if err := s.Complete(h.ctx, fresh, store.Result{Status: 201, Body: []byte("fresh")}, nil); err != nil {
		t.Fatalf("Complete with the fresh token: %v", err)
	}
	if got := claim(t, h, s, "call-1", store.Done); string(got.Result.Body) != "fresh" {
		t.Errorf("stored result %q, want the fresh claim's", got.Result.Body)
	}
	// The stale holder's message was never enqueued.
	wantStats(t, h, s, store.Stats{})
}

// testAbandonedClaim simulates a handler killed between Claim and Complete:
// the platform's retries are refused while the lease lives, then exactly one
// of many concurrent retries processes the delivery, once.
func testAbandonedClaim(t *testing.T, h *harness) {
	s := h.store(t)
	claim(t, h, s, "call-1", store.Acquired) // the process dies here
	got := race(t, 20, func(int) (store.Claim, error) { return s.Claim(h.ctx, "call-1", lease) })
	if got[store.Busy] != 20 {
		t.Fatalf("retries during the dead claim's lease: %v, want all busy", got)
	}
	h.clock.Advance(lease + time.Millisecond)
	var (
		mu     sync.Mutex
		winner store.Claim
	)
	got = race(t, 20, func(int) (store.Claim, error) {
		c, err := s.Claim(h.ctx, "call-1", lease)
		if err == nil && c.Outcome == store.Acquired {
			mu.Lock()
			winner = c
			mu.Unlock()
		}
		return c, err
	})
	if got[store.Acquired] != 1 || got[store.Busy] != 19 {
		t.Fatalf("retries after the lease: %v, want 1 acquired and 19 busy", got)
	}
	if winner.Attempt != 2 {
		t.Errorf("Attempt of the retry = %d, want 2", winner.Attempt)
	}
	if err := s.Complete(h.ctx, winner, store.Result{Status: 200}, message("call-1", 0)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if ms := leaseDue(t, h, s, 10); len(ms) != 1 {
		t.Fatalf("the outbox holds %d messages, want exactly 1", len(ms))
	}
	claim(t, h, s, "call-1", store.Done)
}

func testRelease(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	if err := s.Release(h.ctx, c); err != nil {
		t.Fatalf("Release: %v", err)
	}
	wantLeaseLost(t, "a second Release", s.Release(h.ctx, c))
	wantLeaseLost(t, "Complete after Release", s.Complete(h.ctx, c, store.Result{Status: 200}, nil))
	again := claim(t, h, s, "call-1", store.Acquired) // no time has passed
	if again.Attempt != 2 {
		t.Errorf("Attempt after Release = %d, want 2", again.Attempt)
	}
	forged := again
	forged.Token = "not-the-token"
	wantLeaseLost(t, "Release with a wrong token", s.Release(h.ctx, forged))
	claim(t, h, s, "call-1", store.Busy)
}

func testCompleteTwice(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	if err := s.Complete(h.ctx, c, store.Result{Status: 200, Body: []byte("first")}, nil); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	wantLeaseLost(t, "a second Complete", s.Complete(h.ctx, c, store.Result{Status: 500, Body: []byte("second")}, message("call-1", 0)))
	wantLeaseLost(t, "Release after Complete", s.Release(h.ctx, c))
	if got := claim(t, h, s, "call-1", store.Done); string(got.Result.Body) != "first" {
		t.Errorf("stored result %q, want the first", got.Result.Body)
	}
	wantStats(t, h, s, store.Stats{})
}

func testInvalidArguments(t *testing.T, h *harness) {
	s := h.store(t)
	if _, err := s.Claim(h.ctx, "", lease); err == nil {
		t.Error("Claim of an empty key succeeded")
	}
	if _, err := s.Claim(h.ctx, "call-1", 0); err == nil {
		t.Error("Claim with a zero lease succeeded")
	}
	busy := store.Claim{Key: "call-1", Outcome: store.Busy}
	if err := s.Complete(h.ctx, busy, store.Result{Status: 200}, nil); err == nil || errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("Complete of a busy claim: %v, want an argument error", err)
	}
	c := claim(t, h, s, "call-1", store.Acquired)
	if err := s.Complete(h.ctx, c, store.Result{Status: 42}, nil); err == nil {
		t.Error("Complete with status 42 succeeded")
	}
	if _, err := s.LeaseDue(h.ctx, store.Forward, 0, sendLease); err == nil {
		t.Error("LeaseDue of 0 messages succeeded")
	}
	if _, err := s.LeaseDue(h.ctx, store.Forward, 1, 0); err == nil {
		t.Error("LeaseDue with a zero lease succeeded")
	}
	if err := s.MarkDelivered(h.ctx, store.Message{ID: "msg_x"}); err == nil || errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("MarkDelivered of an unleased message: %v, want an argument error", err)
	}
	if err := s.MarkDelivered(h.ctx, store.Message{ID: "msg_unknown", LeaseToken: "x"}); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("MarkDelivered of an unknown message: %v, want ErrLeaseLost", err)
	}
}

func testCompleteEnqueues(t *testing.T, h *harness) {
	s := h.store(t)
	want := enqueue(t, h, s, "call-1", 5)
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
	got := leaseOne(t, h, s)
	now := h.clock.Now()
	switch {
	case got.ID != want.ID, got.WorkflowID != want.WorkflowID, got.URL != want.URL, got.SecretEnv != want.SecretEnv:
		t.Errorf("leased %+v, want the fields of %+v", got, want)
	case !bytes.Equal(got.Body, want.Body):
		t.Errorf("leased body %q, want %q", got.Body, want.Body)
	case got.State != store.Pending, got.Attempts != 1, got.MaxAttempts != 5, got.LastError != "":
		t.Errorf("leased state %s, attempts %d/%d, last error %q; want pending, 1/5, none", got.State, got.Attempts, got.MaxAttempts, got.LastError)
	case got.LeaseToken == "":
		t.Error("the leased message has no lease token")
	case !got.CreatedAt.Equal(now), !got.NextAttemptAt.Equal(now.Add(sendLease)):
		t.Errorf("created %v, next attempt %v; want %v and the lease end %v", got.CreatedAt, got.NextAttemptAt, now, now.Add(sendLease))
	}
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Errorf("a leased message was leased again: %d messages", len(ms))
	}
	// A default attempt limit applies when the message sets none.
	enqueue(t, h, s, "call-2", 0)
	if m := leaseOne(t, h, s); m.MaxAttempts != store.DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d, want the default %d", m.MaxAttempts, store.DefaultMaxAttempts)
	}
}

func testCompleteWithoutMessage(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	if err := s.Complete(h.ctx, c, store.Result{Status: 200}, nil); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	wantStats(t, h, s, store.Stats{})
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Errorf("LeaseDue returned %d messages, want none", len(ms))
	}
}

func testFailedComplete(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	bad := []*store.Message{
		{ID: "msg.1", URL: "https://x.example", SecretEnv: "S", Body: []byte("{}")},
		{ID: "", URL: "https://x.example", SecretEnv: "S", Body: []byte("{}")},
		{ID: "msg_1", URL: "ftp://x.example", SecretEnv: "S", Body: []byte("{}")},
		{ID: "msg_1", URL: "https://x.example", SecretEnv: "", Body: []byte("{}")},
		{ID: "msg_1", URL: "https://x.example", SecretEnv: "S"},
		{ID: "msg_1", URL: "https://x.example", SecretEnv: "S", Body: []byte("{}"), MaxAttempts: -1},
	}
	for _, m := range bad {
		if err := s.Complete(h.ctx, c, store.Result{Status: 200}, m); err == nil || errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("Complete with message %+v: %v, want a validation error", m, err)
		}
	}
	// Nothing was stored: the claim is still held, and the outbox is empty.
	claim(t, h, s, "call-1", store.Busy)
	wantStats(t, h, s, store.Stats{})
	if err := s.Complete(h.ctx, c, store.Result{Status: 200}, message("call-1", 0)); err != nil {
		t.Fatalf("Complete after the failed attempts: %v", err)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
}

func testSameMessageID(t *testing.T, h *harness) {
	s := h.store(t)
	m := message("call-1", 0)
	for _, key := range []string{"call-1", "call-1-again"} {
		c := claim(t, h, s, key, store.Acquired)
		if err := s.Complete(h.ctx, c, store.Result{Status: 200}, m); err != nil {
			t.Fatalf("Complete(%q): %v", key, err)
		}
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
}

func testScheduledMessage(t *testing.T, h *harness) {
	s := h.store(t)
	c := claim(t, h, s, "call-1", store.Acquired)
	m := message("call-1", 0)
	m.NextAttemptAt = h.clock.Now().Add(time.Minute)
	if err := s.Complete(h.ctx, c, store.Result{Status: 200}, m); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	h.clock.Advance(time.Minute - time.Millisecond)
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Fatalf("a message scheduled a minute ahead was due early")
	}
	h.clock.Advance(time.Millisecond)
	leaseOne(t, h, s)
}

// leaseAll has workers goroutines lease batches from stores until nothing is
// due, and fails on any message leased twice.
func leaseAll(t *testing.T, h *harness, stores []store.Store, workers, batch int) map[string]int {
	t.Helper()
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		errs []error
		wg   sync.WaitGroup
	)
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			for {
				ms, err := s.LeaseDue(h.ctx, store.Forward, batch, sendLease)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, m := range ms {
					seen[m.ID]++
				}
				mu.Unlock()
				if err != nil || len(ms) == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent LeaseDue failed: %v", err)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s was leased %d times", id, n)
		}
	}
	return seen
}

func testLeaseDueExclusive(t *testing.T, h *harness) {
	s := h.store(t)
	const n = 200
	for i := range n {
		enqueue(t, h, s, fmt.Sprintf("call-%d", i), 0)
	}
	if seen := leaseAll(t, h, []store.Store{s}, 8, 7); len(seen) != n {
		t.Fatalf("leased %d distinct messages, want %d", len(seen), n)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: n}})
}

func testLeaseDueOrder(t *testing.T, h *harness) {
	s := h.store(t)
	for i := range 5 {
		enqueue(t, h, s, fmt.Sprintf("call-%d", i), 0)
		h.clock.Advance(time.Second)
	}
	for _, want := range [][]string{{"call-0", "call-1"}, {"call-2", "call-3"}, {"call-4"}} {
		ms := leaseDue(t, h, s, 2)
		if len(ms) != len(want) {
			t.Fatalf("LeaseDue(2) returned %d messages, want %d", len(ms), len(want))
		}
		for i, m := range ms {
			if id := store.MessageID(workflow, want[i]); m.ID != id {
				t.Errorf("LeaseDue returned %s at %d, want the forward of %s (oldest first)", m.ID, i, want[i])
			}
		}
	}
}

func testMessageLeaseExpiry(t *testing.T, h *harness) {
	s := h.store(t)
	enqueue(t, h, s, "call-1", 0)
	stale := leaseOne(t, h, s)
	h.clock.Advance(sendLease - time.Millisecond)
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Fatal("a message was leased again before its lease ran out")
	}
	h.clock.Advance(time.Millisecond)
	fresh := leaseOne(t, h, s)
	if fresh.ID != stale.ID || fresh.Attempts != 2 || fresh.LeaseToken == stale.LeaseToken {
		t.Fatalf("after the lease ran out: %s attempt %d; want %s attempt 2 with a new token", fresh.ID, fresh.Attempts, stale.ID)
	}
	wantLeaseLost(t, "MarkDelivered with the stale token", s.MarkDelivered(h.ctx, stale))
	wantLeaseLost(t, "MarkRetry with the stale token", s.MarkRetry(h.ctx, stale, h.clock.Now(), "stale"))
	wantLeaseLost(t, "MarkDead with the stale token", s.MarkDead(h.ctx, stale, "stale"))
	if err := s.MarkDelivered(h.ctx, fresh); err != nil {
		t.Fatalf("MarkDelivered with the fresh token: %v", err)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Delivered: 1}})
}

func testRetry(t *testing.T, h *harness) {
	s := h.store(t)
	enqueue(t, h, s, "call-1", 0)
	m := leaseOne(t, h, s)
	const why = "the receiver answered 500 Internal Server Error"
	if err := s.MarkRetry(h.ctx, m, h.clock.Now().Add(10*time.Second), why); err != nil {
		t.Fatalf("MarkRetry: %v", err)
	}
	wantLeaseLost(t, "a second mark with the same token", s.MarkDelivered(h.ctx, m))
	h.clock.Advance(10*time.Second - time.Millisecond)
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Fatal("a retry was due before its time")
	}
	h.clock.Advance(time.Millisecond)
	again := leaseOne(t, h, s)
	if again.Attempts != 2 || again.LastError != why {
		t.Errorf("the retry has attempts %d and last error %q, want 2 and %q", again.Attempts, again.LastError, why)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
}

func testDeadAfterMax(t *testing.T, h *harness) {
	s := h.store(t)
	want := enqueue(t, h, s, "call-1", 3)
	for attempt := 1; attempt <= 3; attempt++ {
		m := leaseOne(t, h, s)
		if m.Attempts != attempt {
			t.Fatalf("attempt %d leased with Attempts %d", attempt, m.Attempts)
		}
		if attempt < 3 {
			if err := s.MarkRetry(h.ctx, m, h.clock.Now().Add(time.Second), "the request timed out"); err != nil {
				t.Fatalf("MarkRetry: %v", err)
			}
			h.clock.Advance(time.Second)
			continue
		}
		if err := s.MarkDead(h.ctx, m, "gave up after 3 attempts: the request timed out"); err != nil {
			t.Fatalf("MarkDead: %v", err)
		}
	}
	h.clock.Advance(365 * 24 * time.Hour)
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Fatal("a dead message was leased")
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Dead: 1}})
	dead, err := s.DeadLetters(h.ctx, 10)
	if err != nil {
		t.Fatalf("DeadLetters: %v", err)
	}
	if len(dead) != 1 {
		t.Fatalf("DeadLetters returned %d messages, want 1", len(dead))
	}
	d := dead[0]
	if d.ID != want.ID || d.State != store.Dead || d.Attempts != 3 || d.LastError != "gave up after 3 attempts: the request timed out" || d.URL != want.URL {
		t.Errorf("dead letter %+v", d)
	}
	if len(d.Body) != 0 {
		t.Errorf("DeadLetters returned the body %q; it must not", d.Body)
	}
}

func testAbandonedFinalAttempt(t *testing.T, h *harness) {
	s := h.store(t)
	enqueue(t, h, s, "call-1", 1)
	leaseOne(t, h, s) // the worker dies during the only attempt
	h.clock.Advance(sendLease)
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Fatalf("a message with no attempts left was leased again (attempt %d)", ms[0].Attempts)
	}
	dead, err := s.DeadLetters(h.ctx, 0)
	if err != nil {
		t.Fatalf("DeadLetters: %v", err)
	}
	if len(dead) != 1 || dead[0].Attempts != 1 || dead[0].LastError == "" {
		t.Fatalf("DeadLetters = %+v, want the abandoned message with a reason", dead)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Dead: 1}})
}

// testAbandonedWithinLimit: abandoned final attempts that are due before
// a message with attempts left are dead-lettered where LeaseDue meets
// them, and the limit is filled with the message after them.
func testAbandonedWithinLimit(t *testing.T, h *harness) {
	s := h.store(t)
	enqueue(t, h, s, "call-1", 1)
	h.clock.Advance(time.Millisecond)
	enqueue(t, h, s, "call-2", 1)
	if ms := leaseDue(t, h, s, 10); len(ms) != 2 {
		t.Fatalf("LeaseDue returned %d messages, want 2", len(ms))
	} // the worker dies during both final attempts
	h.clock.Advance(sendLease)
	// Due after the two whose leases ran out.
	h.clock.Advance(time.Millisecond)
	fresh := enqueue(t, h, s, "call-3", 1)
	ms := leaseDue(t, h, s, 1)
	if len(ms) != 1 || ms[0].ID != fresh.ID {
		t.Fatalf("LeaseDue(1) = %v, want the forward of call-3 after the two abandoned ones", ms)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1, Dead: 2}})
}

func testDelivered(t *testing.T, h *harness) {
	s := h.store(t)
	enqueue(t, h, s, "call-1", 0)
	enqueue(t, h, s, "call-2", 0)
	ms := leaseDue(t, h, s, 10)
	if len(ms) != 2 {
		t.Fatalf("LeaseDue returned %d messages, want 2", len(ms))
	}
	if err := s.MarkDelivered(h.ctx, ms[0]); err != nil {
		t.Fatalf("MarkDelivered: %v", err)
	}
	wantLeaseLost(t, "MarkRetry after MarkDelivered", s.MarkRetry(h.ctx, ms[0], h.clock.Now(), "late"))
	h.clock.Advance(24 * time.Hour)
	again := leaseOne(t, h, s)
	if again.ID != ms[1].ID {
		t.Errorf("leased %s, want only the undelivered %s", again.ID, ms[1].ID)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1, Delivered: 1}})
}

func testTwoReplicas(t *testing.T, h *harness) {
	a, b := h.store(t), h.store(t)
	replicas := []store.Store{a, b}
	got := race(t, 40, func(i int) (store.Claim, error) { return replicas[i%2].Claim(h.ctx, "call-1", lease) })
	if got[store.Acquired] != 1 || got[store.Busy] != 39 {
		t.Fatalf("40 claims of one key over two replicas: %v, want 1 acquired", got)
	}
	const n = 100
	for i := range n {
		enqueue(t, h, replicas[i%2], fmt.Sprintf("call-m%d", i), 0)
	}
	if seen := leaseAll(t, h, replicas, 6, 4); len(seen) != n {
		t.Fatalf("two replicas leased %d distinct messages, want %d", len(seen), n)
	}
}

func testPersistence(t *testing.T, h *harness) {
	first := h.store(t)
	leased := enqueue(t, h, first, "call-1", 4)
	done := claim(t, h, first, "call-1", store.Done)
	inProgress := claim(t, h, first, "call-2", store.Acquired)
	if m := leaseOne(t, h, first); m.ID != leased.ID {
		t.Fatalf("leased %s, want %s", m.ID, leased.ID)
	}
	h.clock.Advance(time.Second) // so that the two leases below end apart
	waiting := enqueue(t, h, first, "call-3", 2)
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := h.store(t)
	if got := claim(t, h, second, "call-1", store.Done); got.Result.Status != done.Result.Status || !bytes.Equal(got.Result.Body, done.Result.Body) {
		t.Errorf("after reopening, the result is %d %q, want %d %q", got.Result.Status, got.Result.Body, done.Result.Status, done.Result.Body)
	}
	busy := claim(t, h, second, "call-2", store.Busy)
	if !busy.LeaseUntil.Equal(inProgress.LeaseUntil) {
		t.Errorf("after reopening, the live claim ends %v, want %v", busy.LeaseUntil, inProgress.LeaseUntil)
	}
	// The waiting message is due; the leased one stays leased.
	if m := leaseOne(t, h, second); m.ID != waiting.ID || !bytes.Equal(m.Body, waiting.Body) || m.Attempts != 1 || m.MaxAttempts != 2 {
		t.Errorf("after reopening, leased %s with body %q and attempts %d/%d; want %s, %q, 1/2", m.ID, m.Body, m.Attempts, m.MaxAttempts, waiting.ID, waiting.Body)
	}
	h.clock.Advance(sendLease - time.Second) // the end of the first lease only
	if m := leaseOne(t, h, second); m.ID != leased.ID || !bytes.Equal(m.Body, leased.Body) || m.Attempts != 2 || m.MaxAttempts != 4 {
		t.Errorf("after reopening and the lease, leased %s with body %q and attempts %d/%d; want %s, %q, 2/4", m.ID, m.Body, m.Attempts, m.MaxAttempts, leased.ID, leased.Body)
	}
}

func prune(t *testing.T, h *harness, s store.Store, want store.Pruned) {
	t.Helper()
	got, err := s.Prune(h.ctx, store.DefaultRetention)
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if got != want {
		t.Fatalf("Prune at %v = %+v, want %+v", h.clock.Now(), got, want)
	}
}

// testKeptUntilPruned: without a prune, nothing expires, however old: a
// replay of a platform that signs no timestamp is answered with the first
// result years later, the same on every store.
func testKeptUntilPruned(t *testing.T, h *harness) {
	s := h.store(t)
	first := enqueue(t, h, s, "call-1", 0)
	if err := s.MarkDelivered(h.ctx, leaseOne(t, h, s)); err != nil {
		t.Fatalf("MarkDelivered: %v", err)
	}
	h.clock.Advance(3 * 365 * 24 * time.Hour)
	if got := claim(t, h, s, "call-1", store.Done); got.Result.Status != 200 || string(got.Result.Body) != `{"ok":true}` {
		t.Errorf("three years later the result is %d %q, want the first", got.Result.Status, got.Result.Body)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Delivered: 1}})
	if ms := leaseDue(t, h, s, 10); len(ms) != 0 {
		t.Errorf("the delivered message %s was leased again", first.ID)
	}
}

// testPrune: Prune deletes claims whose last change (completion, release,
// or the end of the lease, whichever is later) and messages whose delivery
// is DefaultRetention old, not a millisecond earlier; pending messages and
// dead letters stay; a pruned key is new again.
func testPrune(t *testing.T, h *harness) {
	s := h.store(t)
	t0 := h.clock.Now()
	enqueue(t, h, s, "call-done", 0)
	claim(t, h, s, "call-abandoned", store.Acquired) // never completed
	released := claim(t, h, s, "call-released", store.Acquired)
	if err := s.Release(h.ctx, released); err != nil {
		t.Fatalf("Release: %v", err)
	}
	enqueue(t, h, s, "call-pending", 0)
	enqueue(t, h, s, "call-dead", 1)
	byID := map[string]store.Message{}
	for _, m := range leaseDue(t, h, s, 10) {
		byID[m.ID] = m
	}
	marks := []error{
		s.MarkDelivered(h.ctx, byID[store.MessageID(workflow, "call-done")]),
		s.MarkRetry(h.ctx, byID[store.MessageID(workflow, "call-pending")], t0.Add(1000*24*time.Hour), "the receiver answered 503"),
		s.MarkDead(h.ctx, byID[store.MessageID(workflow, "call-dead")], "gave up after 1 attempt"),
	}
	if err := errors.Join(marks...); err != nil {
		t.Fatalf("marking the leased messages: %v", err)
	}
	all := store.Stats{Counts: store.Counts{Pending: 1, Delivered: 1, Dead: 1}}
	wantStats(t, h, s, all)

	if _, err := s.Prune(h.ctx, store.MinRetention-time.Millisecond); err == nil {
		t.Error("Prune with less than MinRetention succeeded")
	}
	h.clock.Advance(store.DefaultRetention - time.Millisecond)
	prune(t, h, s, store.Pruned{})
	wantStats(t, h, s, all)

	// The release and the delivery were DefaultRetention ago; the other
	// claims' leases ended later.
	h.clock.Advance(time.Millisecond)
	prune(t, h, s, store.Pruned{Claims: 1, Messages: 1})
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1, Dead: 1}})
	prune(t, h, s, store.Pruned{})

	h.clock.Advance(lease - time.Millisecond)
	prune(t, h, s, store.Pruned{})
	h.clock.Advance(time.Millisecond)
	prune(t, h, s, store.Pruned{Claims: 4})
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1, Dead: 1}})

	// A pruned key is a new delivery: the platform's replay is processed.
	for _, key := range []string{"call-done", "call-abandoned", "call-released"} {
		if c := claim(t, h, s, key, store.Acquired); c.Attempt != 1 {
			t.Errorf("Claim(%q) after the prune: attempt %d, want 1", key, c.Attempt)
		}
	}
	if dead, err := s.DeadLetters(h.ctx, 10); err != nil || len(dead) != 1 {
		t.Errorf("DeadLetters after the prune: %d, %v; want the one dead letter", len(dead), err)
	}
}

// testPruneBacklog: more claims than one batch are all pruned.
func testPruneBacklog(t *testing.T, h *harness) {
	s := h.store(t)
	const n = 1001 // one more than a batch
	for i := range n {
		c := claim(t, h, s, fmt.Sprintf("call-%d", i), store.Acquired)
		if err := s.Complete(h.ctx, c, store.Result{Status: 200}, nil); err != nil {
			t.Fatalf("Complete: %v", err)
		}
	}
	h.clock.Advance(store.DefaultRetention + lease)
	prune(t, h, s, store.Pruned{Claims: n})
	claim(t, h, s, "call-0", store.Acquired)
	claim(t, h, s, fmt.Sprintf("call-%d", n-1), store.Acquired)
}

// claimCompleter is s as a store.ClaimCompleter, or skips the case: the
// one-write claim is optional.
func claimCompleter(t *testing.T, s store.Store) store.ClaimCompleter {
	t.Helper()
	cc, ok := s.(store.ClaimCompleter)
	if !ok {
		t.Skip("this store claims and completes in two writes (it is no store.ClaimCompleter)")
	}
	return cc
}

func claimComplete(t *testing.T, h *harness, cc store.ClaimCompleter, key, body string, want store.Outcome) store.Claim {
	t.Helper()
	c, err := cc.ClaimComplete(h.ctx, key, lease, store.Result{Status: 200, Body: []byte(body)}, message(key, 5))
	if err != nil {
		t.Fatalf("ClaimComplete(%q): %v", key, err)
	}
	if c.Outcome != want || c.Key != key {
		t.Fatalf("ClaimComplete(%q) = %s of %q, want %s", key, c.Outcome, c.Key, want)
	}
	return c
}

// testClaimComplete: a new key is claimed and completed in one write, with
// its message; a duplicate gets the first result and enqueues nothing;
// the arguments are checked as Claim's and Complete's are.
func testClaimComplete(t *testing.T, h *harness) {
	s := h.store(t)
	cc := claimCompleter(t, s)
	c := claimComplete(t, h, cc, "call-1", "first", store.Acquired)
	if c.Attempt != 1 || c.Token != "" {
		t.Errorf("ClaimComplete of a new key: attempt %d, token %q; want 1 and none (nothing is left to complete)", c.Attempt, c.Token)
	}
	if got := claim(t, h, s, "call-1", store.Done); got.Result.Status != 200 || string(got.Result.Body) != "first" {
		t.Errorf("Claim after ClaimComplete = %d %q, want 200 \"first\"", got.Result.Status, got.Result.Body)
	}
	if got := claimComplete(t, h, cc, "call-1", "second", store.Done); string(got.Result.Body) != "first" {
		t.Errorf("a duplicate's ClaimComplete answered %q, want the first result", got.Result.Body)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
	if m := leaseOne(t, h, s); m.ID != message("call-1", 5).ID {
		t.Errorf("leased %q, want the message of call-1", m.ID)
	}
	if _, err := cc.ClaimComplete(h.ctx, "", lease, store.Result{Status: 200}); err == nil {
		t.Error("ClaimComplete of an empty key succeeded")
	}
	if _, err := cc.ClaimComplete(h.ctx, "call-2", lease, store.Result{Status: 42}); err == nil {
		t.Error("ClaimComplete with status 42 succeeded")
	}
	if _, err := cc.ClaimComplete(h.ctx, "call-3", lease, store.Result{Status: 200}, &store.Message{}); err == nil {
		t.Error("ClaimComplete with a message without an id succeeded")
	}
	claim(t, h, s, "call-2", store.Acquired) // the refused calls stored nothing
	claim(t, h, s, "call-3", store.Acquired)
}

// testClaimCompleteHeld: a key held by a live claim (a handler that calls
// its service before storing) is Busy and nothing is stored; once the
// lease ran out the key is taken over, and the stale holder's Complete
// fails.
func testClaimCompleteHeld(t *testing.T, h *harness) {
	s := h.store(t)
	cc := claimCompleter(t, s)
	stale := claim(t, h, s, "call-1", store.Acquired)
	if got := claimComplete(t, h, cc, "call-1", "busy", store.Busy); !got.LeaseUntil.Equal(stale.LeaseUntil) {
		t.Errorf("Busy until %v, want the holder's lease end %v", got.LeaseUntil, stale.LeaseUntil)
	}
	wantStats(t, h, s, store.Stats{})
	h.clock.Advance(lease)
	if got := claimComplete(t, h, cc, "call-1", "takeover", store.Acquired); got.Attempt != 2 {
		t.Errorf("Attempt of the takeover = %d, want 2", got.Attempt)
	}
	wantLeaseLost(t, "Complete with the stale token", s.Complete(h.ctx, stale, store.Result{Status: 200, Body: []byte("stale")}, message("call-1", 5)))
	if got := claim(t, h, s, "call-1", store.Done); string(got.Result.Body) != "takeover" {
		t.Errorf("stored result %q, want the takeover's", got.Result.Body)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
}

// testClaimCompleteConcurrent: of many concurrent ClaimCompletes of one key
// exactly one stores its result, and every other finds it.
func testClaimCompleteConcurrent(t *testing.T, h *harness) {
	s := h.store(t)
	cc := claimCompleter(t, s)
	got := race(t, 20, func(i int) (store.Claim, error) {
		return cc.ClaimComplete(h.ctx, "call-1", lease, store.Result{Status: 200, Body: []byte(strconv.Itoa(i))}, message("call-1", 5))
	})
	if got[store.Acquired] != 1 || got[store.Done] != 19 {
		t.Errorf("20 concurrent ClaimCompletes: %v; want exactly 1 acquired (stored) and 19 done (found the result), none busy", got)
	}
	stored := claim(t, h, s, "call-1", store.Done).Result.Body
	if n, err := strconv.Atoi(string(stored)); err != nil || n < 0 || n >= 20 {
		t.Errorf("stored result %q is none of the racers'", stored)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}})
}
