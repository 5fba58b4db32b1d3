// Package queue works one of a store's two queues (store.Kind): it leases
// due messages, hands each to an Attempt function, and records the outcome
// with exponential backoff and full jitter, a retry budget (the message's
// MaxAttempts), a maximum age, and dead letters. The outbox worker
// (runtime/forward, which POSTs signed events downstream) and the inbox
// worker (runtime/inbox, which calls the user's service) are two Attempt
// functions over this one loop.
//
// Work is at least once: a worker that dies after an attempt succeeded and
// before the store recorded it leaves a lease that runs out, and the
// message is attempted again. The message id (stable across attempts) and,
// in the inbox, the event's idempotency_key let the receiver drop the
// repeat. A lease outlasts Timeout, so two workers, in one process or in
// replicas sharing a store, never attempt one message at the same time.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// Defaults of Config.
const (
	DefaultWorkers      = 4
	DefaultPollInterval = time.Second
	DefaultTimeout      = 15 * time.Second
	DefaultBackoffBase  = 5 * time.Second
	DefaultBackoffCap   = time.Hour
)

// recordTimeout bounds writing an attempt's outcome to the store, which
// happens even while the worker is stopping.
const recordTimeout = 30 * time.Second

// Outcome is what one attempt found.
type Outcome struct {
	// Done: the message was accepted; it is not attempted again.
	Done bool
	// Final: the failure is permanent (a 410 Gone); dead at once.
	Final bool
	// Status is an HTTP status, or 0 when there was none.
	Status int
	// Kind names the failure for logs and metrics ("status", "timeout",
	// "connection", "secret", "error").
	Kind string
	// Reason is the sentence stored as the message's last error; never
	// the body.
	Reason string
	// RetryAfter is a floor for the next delay that the receiver asked for.
	RetryAfter time.Duration
}

// Attempt makes one attempt of m. ctx ends after Config.Timeout.
type Attempt func(ctx context.Context, m store.Message) Outcome

// Result names what became of an attempt, for Observe.
type Result string

// Attempt results.
const (
	Delivered Result = "delivered"
	Retried   Result = "retry"
	Dead      Result = "dead"
)

// Config configures a Worker. Store, Kind and Attempt are required.
type Config struct {
	Store   store.Store
	Kind    store.Kind
	Attempt Attempt
	// Name is the worker's name in logs ("forward", "inbox").
	Name string
	// Workers is how many messages are attempted at once.
	Workers int
	// PollInterval is how long an idle worker waits before looking for due
	// messages again; Notify wakes it earlier.
	PollInterval time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Lease is how long a message is reserved for one attempt; it must
	// exceed Timeout with room to record the outcome. Default: twice
	// Timeout plus 30 seconds.
	Lease time.Duration
	// BackoffBase and BackoffCap shape the delay before a retry: a random
	// duration up to min(BackoffCap, BackoffBase × 2^(attempt-1)) ("full
	// jitter"), but no less than a RetryAfter the attempt asked for, up to
	// BackoffCap.
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// MaxAge, when positive, dead-letters a message whose attempt failed
	// and that was stored MaxAge ago or more, whatever attempts it has
	// left: an event too old to matter is not retried for ever.
	MaxAge time.Duration
	// Now is the clock for retry times and ages. Default: time.Now.
	Now func() time.Time
	// Jitter returns a number in [0, 1) that scales each retry delay.
	// Default: math/rand/v2's Float64.
	Jitter func() float64
	// Logger receives one line per attempt outcome: ids, attempt counts,
	// status codes and a failure kind; never a body. Default:
	// slog.Default().
	Logger *slog.Logger
	// Observe, when set, is told the result and duration of every
	// recorded attempt (metrics).
	Observe func(m store.Message, result Result, d time.Duration)
}

// Worker works one queue of one store.
type Worker struct {
	cfg  Config
	wake chan struct{}
	// pace is the recent duration of an attempt in nanoseconds (see
	// ahead), Timeout until attempts were made.
	pace atomic.Int64
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Worker, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("the queue worker needs a store")
	case cfg.Kind != store.Forward && cfg.Kind != store.Service:
		return nil, fmt.Errorf("the queue worker was given the queue %q; use store.Forward or store.Service", cfg.Kind)
	case cfg.Attempt == nil:
		return nil, errors.New("the queue worker needs an attempt function")
	}
	if cfg.Name == "" {
		cfg.Name = string(cfg.Kind)
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Lease == 0 {
		cfg.Lease = 2*cfg.Timeout + 30*time.Second
	}
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffCap == 0 {
		cfg.BackoffCap = DefaultBackoffCap
	}
	switch {
	case cfg.Workers < 0, cfg.PollInterval < 0, cfg.Timeout < 0, cfg.BackoffBase < 0, cfg.BackoffCap < 0, cfg.MaxAge < 0:
		return nil, fmt.Errorf("the %s worker's counts and durations must not be negative", cfg.Name)
	case cfg.Lease <= cfg.Timeout:
		return nil, fmt.Errorf("the %s lease %v must exceed the attempt timeout %v, or a slow attempt could be repeated by another worker while it runs", cfg.Name, cfg.Lease, cfg.Timeout)
	case cfg.BackoffCap < cfg.BackoffBase:
		return nil, fmt.Errorf("the backoff cap %v is below the backoff base %v", cfg.BackoffCap, cfg.BackoffBase)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Worker{cfg: cfg, wake: make(chan struct{}, 1)}
	w.pace.Store(int64(cfg.Timeout))
	return w, nil
}

// Config returns the worker's configuration with its defaults filled in.
func (w *Worker) Config() Config { return w.cfg }

// Notify wakes an idle worker goroutine: the handler calls it after
// Complete enqueued a message, so work starts without waiting for the
// poll interval. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// perWorker bounds the messages leased ahead for each worker goroutine.
const perWorker = 32

// leased is a message leased for this process, and when.
type leased struct {
	m  store.Message
	at time.Time
}

// Run works due messages with cfg.Workers goroutines until ctx is
// cancelled. One goroutine leases due messages in batches, as many as the
// workers can start well within a lease (ahead), so that a busy queue
// costs one lease per batch rather than one per message; a worker hands
// each attempt's outcome to a goroutine of its own and takes the next
// message, so that outcomes recorded at once share a commit on a store
// that commits writes together (SQLite). A message stays leased until
// its outcome is recorded, so nobody attempts it meanwhile. Attempts under
// way when ctx ends, and messages already leased, are finished (each is
// bounded by cfg.Timeout) and their outcomes recorded. Run returns when
// every goroutine has stopped.
func (w *Worker) Run(ctx context.Context) {
	detached := context.WithoutCancel(ctx)
	jobs := make(chan leased, perWorker*w.cfg.Workers)
	var (
		wg       sync.WaitGroup
		records  recorder
		inflight atomic.Int64 // leased, and not yet through a worker
	)
	records.init(w, detached)
	done := make(chan struct{}, 1) // a worker finished an attempt
	for range w.cfg.Workers {
		wg.Go(func() {
			for j := range jobs {
				w.work(detached, j, &records)
				inflight.Add(-1)
				select {
				case done <- struct{}{}:
				default:
				}
			}
		})
	}
	w.leaseLoop(ctx, jobs, &inflight, done)
	close(jobs)
	wg.Wait()
	records.wait()
}

// leaseLoop leases due messages for the workers until ctx ends.
func (w *Worker) leaseLoop(ctx context.Context, jobs chan<- leased, inflight *atomic.Int64, done <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n := w.ahead() - int(inflight.Load())
		if n <= 0 {
			select {
			case <-ctx.Done():
				return
			case <-done:
			}
			continue
		}
		ms, err := w.leaseDue(ctx, n)
		at := time.Now()
		inflight.Add(int64(len(ms)))
		for _, m := range ms {
			jobs <- leased{m: m, at: at} // never blocks: inflight ≤ ahead ≤ cap(jobs)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.cfg.Logger.Error(w.cfg.Name+" worker could not lease due messages", "error", err)
		}
		if len(ms) == n && err == nil {
			continue // there may be more due at once
		}
		timer.Reset(w.cfg.PollInterval)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
			// Every stored delivery and every recorded outcome notifies: a
			// short pause gathers what arrives together into one lease
			// instead of a lease per message.
			select {
			case <-ctx.Done():
				return
			case <-time.After(min(w.cfg.PollInterval, gather)):
			}
		case <-timer.C:
		}
	}
}

// gather is the longest a notified lease loop waits for more messages
// to arrive before it leases.
const gather = 5 * time.Millisecond

// ahead is how many messages may be leased and not yet attempted: as
// many as the workers start within half of what a lease leaves beyond an
// attempt, at the attempts' recent pace, at least one per worker and at
// most perWorker each. A slow service (attempts near Timeout) gets one
// message per worker, as before batching; a fast one whole batches.
func (w *Worker) ahead() int {
	window := (w.cfg.Lease - w.cfg.Timeout) / 2
	per := perWorker
	if d := time.Duration(w.pace.Load()); d > 0 {
		per = int(min(int64(perWorker), max(1, int64(window/d))))
	}
	return per * w.cfg.Workers
}

// started tells the pace estimate how long an attempt took: an average
// that weighs the latest attempt by an eighth.
func (w *Worker) started(d time.Duration) {
	for {
		old := w.pace.Load()
		next := old - old/8 + int64(d)/8
		if w.pace.CompareAndSwap(old, next) {
			return
		}
	}
}

// work attempts the leased message j and hands its outcome to records,
// unless j waited so long that its lease might run out during the
// attempt: then it is left to its lease, and attempted again once that
// has run out (ahead keeps this rare).
func (w *Worker) work(detached context.Context, j leased, records *recorder) {
	if time.Since(j.at) > (w.cfg.Lease-w.cfg.Timeout)/2 {
		w.cfg.Logger.Warn(w.cfg.Name+" event waited too long for a worker; it will be attempted again after its lease", "message_id", j.m.ID, "attempt", j.m.Attempts)
		return
	}
	out, d := w.try(detached, j.m)
	records.add(j.m, out, d)
}

// recorder records outcomes, each in a goroutine of its own, a bounded
// number at once (see init).
type recorder struct {
	w        *Worker
	detached context.Context
	slots    chan struct{}
	wg       sync.WaitGroup
}

func (r *recorder) init(w *Worker, detached context.Context) {
	// On a store whose concurrent writes share a commit, the outcomes of a
	// batch are recorded at once; elsewhere each holds a connection or a
	// round trip, so no more are under way than there are workers, as
	// before batching, and the handler's writes do not queue behind them.
	n := w.cfg.Workers
	if sc, ok := w.cfg.Store.(store.SharedCommits); ok && sc.SharesCommits() {
		n *= perWorker
	}
	r.w, r.detached, r.slots = w, detached, make(chan struct{}, n)
}

func (r *recorder) add(m store.Message, out Outcome, d time.Duration) {
	r.slots <- struct{}{}
	r.wg.Go(func() {
		defer func() { <-r.slots }()
		rctx, cancel := context.WithTimeout(r.detached, recordTimeout)
		defer cancel()
		r.w.record(rctx, m, out, d)
		// The next event of the same call may be due now.
		r.w.Notify()
	})
}

func (r *recorder) wait() { r.wg.Wait() }

// Drain attempts due messages one after another until none is due, the
// store fails or ctx ends: a process that stops hands over what it
// accepted and can, instead of leaving it for the next start. It leases
// them in batches (see Run) and waits for every outcome to be recorded
// before it looks for more, so an event of a call that waited for the
// previous one is not left behind.
func (w *Worker) Drain(ctx context.Context) error {
	detached := context.WithoutCancel(ctx)
	var records recorder
	records.init(w, detached)
	defer records.wait()
	for ctx.Err() == nil {
		ms, err := w.leaseDue(ctx, w.ahead())
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			records.wait()
			if ms, err = w.leaseDue(ctx, w.ahead()); err != nil || len(ms) == 0 {
				return err
			}
		}
		at := time.Now()
		for _, m := range ms {
			w.work(detached, leased{m: m, at: at}, &records)
		}
	}
	return ctx.Err()
}

// AttemptNext leases one due message, attempts it and records the outcome.
// It reports whether a message was due. Tests call it to step the worker
// by hand.
func (w *Worker) AttemptNext(ctx context.Context) (bool, error) {
	ms, err := w.leaseDue(ctx, 1)
	if err != nil || len(ms) == 0 {
		return false, err
	}
	detached := context.WithoutCancel(ctx)
	out, d := w.try(detached, ms[0])
	rctx, cancel := context.WithTimeout(detached, recordTimeout)
	defer cancel()
	w.record(rctx, ms[0], out, d)
	return true, nil
}

// leaseDue leases up to n due messages. The lease outlives a cancelled
// ctx: a lease cut short by ctx may still commit (PostgreSQL answers the
// COMMIT after the client gave up) and the messages would then wait out
// their lease, unseen by Drain.
func (w *Worker) leaseDue(ctx context.Context, n int) ([]store.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return w.cfg.Store.LeaseDue(lctx, w.cfg.Kind, n, w.cfg.Lease)
}

// try makes one attempt of the leased message m, bounded by Timeout, and
// says how long it took. detached is not cancelled: an attempt cut short
// might have reached the receiver and would only be repeated.
func (w *Worker) try(detached context.Context, m store.Message) (Outcome, time.Duration) {
	start := time.Now()
	actx, cancel := context.WithTimeout(detached, w.cfg.Timeout)
	defer cancel()
	out := w.cfg.Attempt(actx, m)
	d := time.Since(start)
	w.started(d)
	return out, d
}

func (w *Worker) record(ctx context.Context, m store.Message, out Outcome, d time.Duration) {
	log := w.cfg.Logger.With("message_id", m.ID, "workflow_id", m.WorkflowID, "attempt", m.Attempts, "max_attempts", m.MaxAttempts)
	if out.Status != 0 {
		log = log.With("status", out.Status)
	}
	now := w.cfg.Now()
	tooOld := w.cfg.MaxAge > 0 && now.Sub(m.CreatedAt) >= w.cfg.MaxAge
	var (
		err    error
		result Result
	)
	switch {
	case out.Done:
		result = Delivered
		if err = w.cfg.Store.MarkDelivered(ctx, m); err == nil {
			log.Info(w.cfg.Name + " event delivered")
		}
	case out.Final, m.Attempts >= m.MaxAttempts, tooOld:
		result = Dead
		reason := out.Reason
		switch {
		case out.Final:
		case tooOld && m.Attempts < m.MaxAttempts:
			reason = fmt.Sprintf("gave up after %d attempts, the event being older than the maximum age of %v; the last: %s", m.Attempts, w.cfg.MaxAge, out.Reason)
		default:
			reason = fmt.Sprintf("gave up after %d attempts; the last: %s", m.Attempts, out.Reason)
		}
		if err = w.cfg.Store.MarkDead(ctx, m, reason); err == nil {
			log.Error(w.cfg.Name+" event dead-lettered", "failure", out.Kind)
		}
	default:
		result = Retried
		delay := backoff(m.Attempts, w.cfg.BackoffBase, w.cfg.BackoffCap, w.cfg.Jitter(), out.RetryAfter)
		if err = w.cfg.Store.MarkRetry(ctx, m, now.Add(delay), out.Reason); err == nil {
			log.Warn(w.cfg.Name+" attempt failed; will retry", "failure", out.Kind, "retry_in", delay.Round(time.Millisecond).String())
		}
	}
	if err != nil {
		// The lease will run out and the message be attempted again: a
		// delivered message may then arrive twice, with the same id, which
		// the receiver drops.
		log.Error(w.cfg.Name+" outcome could not be recorded; the message will be attempted again after its lease", "error", err)
		return
	}
	if w.cfg.Observe != nil {
		w.cfg.Observe(m, result, d)
	}
}
