// Package inbox calls the user's service with the decided events the
// handler stored in the inbox (store.Service), so that the platform's
// request never waits for the service: the handler answers 2xx once the
// event is stored, and a Worker, in the same process or in any replica
// sharing the store, hands it to the service from there.
//
// The worker is a queue.Worker of the Service queue: one lease per event,
// so two replicas never call the service with the same event at the same
// time; a failed call is retried after an exponential backoff with full
// jitter, until the event's attempts (handler.Config.ServiceMaxAttempts)
// or its age (Config.MaxAge) run out; then it is a dead letter that
// `callspec events` lists, retries or purges. The events of one call are
// called in the order they were stored: a later event waits while an
// earlier one is retried.
//
// Calls are at least once: a process that dies after the service
// succeeded and before the store recorded it leaves a lease that runs out,
// and the event is handed over again, with the same idempotency_key, which
// the service uses to drop the repeat.
package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/callspec/callspec/runtime/queue"
	"github.com/callspec/callspec/runtime/store"
)

// Defaults of Config. The backoff starts at a second, since a service
// that is restarting is often back within seconds, and is capped at ten
// minutes; with handler.DefaultServiceMaxAttempts (20) the last attempt
// comes, on average, about an hour after the first, and MaxAge ends the
// retries of an event a day old whatever is left.
const (
	DefaultWorkers      = 4
	DefaultPollInterval = time.Second
	DefaultTimeout      = 30 * time.Second
	DefaultBackoffBase  = time.Second
	DefaultBackoffCap   = 10 * time.Minute
	DefaultMaxAge       = 24 * time.Hour
)

// Service hands one stored event (its canonical JSON) to the user's
// service; handler.Handler supplies it for its workflow.
type Service func(ctx context.Context, event []byte) error

// Config configures a Worker. Only Store is required; zero durations and
// counts take the defaults above.
type Config struct {
	Store store.Store
	// Workers is how many events are handed over at once.
	Workers int
	// PollInterval is how long an idle worker waits before looking for due
	// events again; Notify wakes it earlier.
	PollInterval time.Duration
	// Timeout bounds one call of the service.
	Timeout time.Duration
	// Lease reserves an event for one call; default twice Timeout plus 30
	// seconds.
	Lease time.Duration
	// BackoffBase and BackoffCap shape the delay before a retry (see
	// queue.Config).
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// MaxAge dead-letters an event stored this long ago at its next failed
	// call, whatever attempts it has left. Negative: no limit.
	MaxAge time.Duration
	// Now, Jitter: the clock and the random source (tests).
	Now    func() time.Time
	Jitter func() float64
	// Logger receives one line per call outcome: ids and counts, never the
	// event. Default: slog.Default().
	Logger *slog.Logger
	// Observe, when set, is told the result of every recorded call.
	Observe func(m store.Message, result queue.Result, d time.Duration)
}

// Worker calls the services of the workflows registered with Handle.
type Worker struct {
	*queue.Worker
	mu       sync.RWMutex
	services map[string]Service
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("the inbox worker needs a store")
	}
	w := &Worker{services: map[string]Service{}}
	maxAge := cfg.MaxAge
	switch {
	case maxAge == 0:
		maxAge = DefaultMaxAge
	case maxAge < 0:
		maxAge = 0
	}
	qw, err := queue.New(queue.Config{
		Store: cfg.Store, Kind: store.Service, Attempt: w.attempt, Name: "inbox",
		Workers: or(cfg.Workers, DefaultWorkers), PollInterval: or(cfg.PollInterval, DefaultPollInterval),
		Timeout: or(cfg.Timeout, DefaultTimeout), Lease: cfg.Lease,
		BackoffBase: or(cfg.BackoffBase, DefaultBackoffBase), BackoffCap: or(cfg.BackoffCap, DefaultBackoffCap),
		MaxAge: maxAge, Now: cfg.Now, Jitter: cfg.Jitter, Logger: cfg.Logger, Observe: cfg.Observe,
	})
	if err != nil {
		return nil, err
	}
	w.Worker = qw
	return w, nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Handle routes the events of workflowID to s. Handlers call it when they
// are created; one worker serves every workflow that shares its store.
func (w *Worker) Handle(workflowID string, s Service) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.services[workflowID] = s
}

func (w *Worker) attempt(ctx context.Context, m store.Message) queue.Outcome {
	w.mu.RLock()
	s := w.services[m.WorkflowID]
	w.mu.RUnlock()
	if s == nil {
		// Another process sharing the store may serve the workflow; this
		// one retries soon, counting the attempt.
		return queue.Outcome{Kind: "unrouted", Reason: fmt.Sprintf("no service of the workflow %s runs in this process", m.WorkflowID),
			RetryAfter: w.Config().PollInterval}
	}
	if err := s(ctx, m.Body); err != nil {
		if ctx.Err() != nil {
			return queue.Outcome{Kind: "timeout", Reason: fmt.Sprintf("the service did not answer within %v", w.Config().Timeout)}
		}
		// The error's text may quote the event; only its type is stored.
		return queue.Outcome{Kind: "error", Reason: fmt.Sprintf("the service returned an error (%T)", err)}
	}
	return queue.Outcome{Done: true}
}
