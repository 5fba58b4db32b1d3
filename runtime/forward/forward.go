package forward

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/callspec/callspec/runtime/stdwebhooks"
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

// Config configures a Worker. Only Store is required.
type Config struct {
	Store store.Store
	// Workers is how many messages are attempted at once.
	Workers int
	// PollInterval is how long an idle worker waits before looking for due
	// messages again; Notify wakes it earlier.
	PollInterval time.Duration
	// Timeout bounds one delivery attempt (Standard Webhooks suggests 15 to
	// 30 seconds).
	Timeout time.Duration
	// Lease is how long a message is reserved for one attempt; it must
	// exceed Timeout with room to record the outcome. Default: twice
	// Timeout plus 30 seconds.
	Lease time.Duration
	// BackoffBase and BackoffCap shape the delay before a retry: a random
	// duration up to min(BackoffCap, BackoffBase × 2^(attempt-1)) ("full
	// jitter"), but no less than a Retry-After the receiver asked for, up
	// to BackoffCap.
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// Client sends the requests. The default follows no redirects: a 3xx is
	// a failed attempt, as Standard Webhooks recommends.
	Client *http.Client
	// LookupSecret resolves the environment variable a message names to its
	// whsec_ secret. Default: os.LookupEnv.
	LookupSecret func(name string) (string, bool)
	// Now is the clock for webhook-timestamp and retry times. Default:
	// time.Now.
	Now func() time.Time
	// Jitter returns a number in [0, 1) that scales each retry delay.
	// Default: math/rand/v2's Float64.
	Jitter func() float64
	// Logger receives one line per attempt outcome: ids, attempt counts,
	// status codes and a failure kind; never a body, URL or secret.
	// Default: slog.Default().
	Logger *slog.Logger
}

// Worker delivers the outbox of one store.
type Worker struct {
	cfg  Config
	wake chan struct{}
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil {
		return nil, errors.New("the forward worker needs a store")
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
	case cfg.Workers < 0, cfg.PollInterval < 0, cfg.Timeout < 0, cfg.BackoffBase < 0, cfg.BackoffCap < 0:
		return nil, errors.New("the forward worker's counts and durations must not be negative")
	case cfg.Lease <= cfg.Timeout:
		return nil, fmt.Errorf("the forward lease %v must exceed the request timeout %v, or a slow attempt could be repeated by another worker while it runs", cfg.Lease, cfg.Timeout)
	case cfg.BackoffCap < cfg.BackoffBase:
		return nil, fmt.Errorf("the backoff cap %v is below the backoff base %v", cfg.BackoffCap, cfg.BackoffBase)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.LookupSecret == nil {
		cfg.LookupSecret = os.LookupEnv
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
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Notify wakes an idle worker goroutine: the handler calls it after
// Complete enqueued a message, so delivery starts without waiting for the
// poll interval. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due messages with cfg.Workers goroutines until ctx is
// cancelled. Attempts under way when ctx ends are finished (each is bounded
// by cfg.Timeout) and their outcomes recorded, so stopping never turns a
// delivered message into a retry. Run returns when every goroutine has
// stopped.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range w.cfg.Workers {
		wg.Go(func() { w.loop(ctx) })
	}
	wg.Wait()
}

func (w *Worker) loop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		attempted, err := w.AttemptNext(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.cfg.Logger.Error("forward worker could not lease due messages", "error", err)
		}
		if attempted && err == nil {
			continue // there may be more due at once
		}
		timer.Reset(w.cfg.PollInterval)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-timer.C:
		}
	}
}

// AttemptNext leases one due message, attempts its delivery and records the
// outcome. It reports whether a message was due. Run calls it in a loop;
// tests call it to step the worker by hand.
func (w *Worker) AttemptNext(ctx context.Context) (bool, error) {
	ms, err := w.cfg.Store.LeaseDue(ctx, store.Forward, 1, w.cfg.Lease)
	if err != nil {
		return false, err
	}
	if len(ms) == 0 {
		return false, nil
	}
	m := ms[0]
	// The attempt and its record outlive a cancelled ctx: an attempt cut
	// short might have reached the receiver and would only be repeated.
	detached := context.WithoutCancel(ctx)
	out := w.attempt(detached, m)
	rctx, cancel := context.WithTimeout(detached, recordTimeout)
	defer cancel()
	w.record(rctx, m, out)
	return true, nil
}

// outcome is what one attempt found.
type outcome struct {
	delivered bool
	// gone is a 410: the receiver wants no more events.
	gone bool
	// status is the HTTP status, or 0 when no answer came.
	status int
	// kind names the failure for logs: "status", "timeout", "connection",
	// "secret".
	kind string
	// reason is the sentence stored as the message's last error.
	reason     string
	retryAfter time.Duration
}

func (w *Worker) attempt(ctx context.Context, m store.Message) outcome {
	secret, ok := w.cfg.LookupSecret(m.SecretEnv)
	if !ok || secret == "" {
		return outcome{kind: "secret", reason: fmt.Sprintf("the signing secret variable %s is not set", m.SecretEnv)}
	}
	key, err := stdwebhooks.ParseSecret(secret)
	if err != nil {
		return outcome{kind: "secret", reason: fmt.Sprintf("the signing secret variable %s holds no valid secret: %v", m.SecretEnv, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL, bytes.NewReader(m.Body))
	if err != nil {
		return outcome{kind: "connection", reason: "the forward URL does not make a request: " + unwrapURLError(err).Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "callspec-forward")
	stdwebhooks.SetHeaders(req.Header, key, m.ID, w.cfg.Now(), m.Body)
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return outcome{kind: "timeout", reason: fmt.Sprintf("the request timed out after %v", w.cfg.Timeout)}
		}
		return outcome{kind: "connection", reason: "the request failed: " + unwrapURLError(err).Error()}
	}
	// Read a little of the answer so the connection can be reused; the
	// answer itself is of no interest.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return outcome{delivered: true, status: resp.StatusCode}
	case resp.StatusCode == http.StatusGone:
		return outcome{gone: true, status: resp.StatusCode, kind: "status", reason: "the receiver answered 410 Gone: it accepts no more events"}
	}
	return outcome{
		status:     resp.StatusCode,
		kind:       "status",
		reason:     fmt.Sprintf("the receiver answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
		retryAfter: retryAfter(resp.Header.Get("Retry-After"), w.cfg.Now()),
	}
}

// unwrapURLError drops the method and URL net/http puts around an error:
// the URL may carry a token in its query, and the message names it anyway.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (w *Worker) record(ctx context.Context, m store.Message, out outcome) {
	log := w.cfg.Logger.With("message_id", m.ID, "workflow_id", m.WorkflowID, "attempt", m.Attempts, "max_attempts", m.MaxAttempts)
	if out.status != 0 {
		log = log.With("status", out.status)
	}
	var err error
	switch {
	case out.delivered:
		if err = w.cfg.Store.MarkDelivered(ctx, m); err == nil {
			log.Info("forwarded event delivered")
		}
	case out.gone, m.Attempts >= m.MaxAttempts:
		reason := out.reason
		if !out.gone {
			reason = fmt.Sprintf("gave up after %d attempts; the last: %s", m.Attempts, out.reason)
		}
		if err = w.cfg.Store.MarkDead(ctx, m, reason); err == nil {
			log.Error("forwarded event dead-lettered", "failure", out.kind)
		}
	default:
		delay := backoff(m.Attempts, w.cfg.BackoffBase, w.cfg.BackoffCap, w.cfg.Jitter(), out.retryAfter)
		if err = w.cfg.Store.MarkRetry(ctx, m, w.cfg.Now().Add(delay), out.reason); err == nil {
			log.Warn("forward attempt failed; will retry", "failure", out.kind, "retry_in", delay.Round(time.Millisecond).String())
		}
	}
	if err != nil {
		// The lease will run out and the message be attempted again: a
		// delivered message may then arrive twice, with the same
		// webhook-id, which the receiver drops.
		log.Error("forward outcome could not be recorded; the message will be attempted again after its lease", "error", err)
	}
}
