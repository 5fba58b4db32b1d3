package forward

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/callspec/callspec/runtime/queue"
	"github.com/callspec/callspec/runtime/stdwebhooks"
	"github.com/callspec/callspec/runtime/store"
)

// Defaults of Config: the queue worker's.
const (
	DefaultWorkers      = queue.DefaultWorkers
	DefaultPollInterval = queue.DefaultPollInterval
	DefaultTimeout      = queue.DefaultTimeout
	DefaultBackoffBase  = queue.DefaultBackoffBase
	DefaultBackoffCap   = queue.DefaultBackoffCap
)

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
	// Observe, when set, is told the result of every recorded attempt
	// (metrics).
	Observe func(m store.Message, result queue.Result, d time.Duration)
}

// Worker delivers the outbox of one store: a queue.Worker of the Forward
// queue whose attempt is a signed POST.
type Worker struct {
	*queue.Worker
	cfg Config
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil {
		return nil, errors.New("the forward worker needs a store")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
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
	w := &Worker{cfg: cfg}
	qw, err := queue.New(queue.Config{
		Store: cfg.Store, Kind: store.Forward, Attempt: w.attempt, Name: "forward",
		Workers: cfg.Workers, PollInterval: cfg.PollInterval, Timeout: cfg.Timeout, Lease: cfg.Lease,
		BackoffBase: cfg.BackoffBase, BackoffCap: cfg.BackoffCap,
		Now: cfg.Now, Jitter: cfg.Jitter, Logger: cfg.Logger, Observe: cfg.Observe,
	})
	if err != nil {
		return nil, err
	}
	w.Worker = qw
	return w, nil
}

func (w *Worker) attempt(ctx context.Context, m store.Message) queue.Outcome {
	secret, ok := w.cfg.LookupSecret(m.SecretEnv)
	if !ok || secret == "" {
		return queue.Outcome{Kind: "secret", Reason: fmt.Sprintf("the signing secret variable %s is not set", m.SecretEnv)}
	}
	key, err := stdwebhooks.ParseSecret(secret)
	if err != nil {
		return queue.Outcome{Kind: "secret", Reason: fmt.Sprintf("the signing secret variable %s holds no valid secret: %v", m.SecretEnv, err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL, bytes.NewReader(m.Body))
	if err != nil {
		return queue.Outcome{Kind: "connection", Reason: "the forward URL does not make a request: " + unwrapURLError(err).Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "callspec-forward")
	stdwebhooks.SetHeaders(req.Header, key, m.ID, w.cfg.Now(), m.Body)
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return queue.Outcome{Kind: "timeout", Reason: fmt.Sprintf("the request timed out after %v", w.cfg.Timeout)}
		}
		return queue.Outcome{Kind: "connection", Reason: "the request failed: " + unwrapURLError(err).Error()}
	}
	// Read a little of the answer so the connection can be reused; the
	// answer itself is of no interest.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return queue.Outcome{Done: true, Status: resp.StatusCode}
	case resp.StatusCode == http.StatusGone:
		return queue.Outcome{Final: true, Status: resp.StatusCode, Kind: "status", Reason: "the receiver answered 410 Gone: it accepts no more events"}
	}
	return queue.Outcome{
		Status:     resp.StatusCode,
		Kind:       "status",
		Reason:     fmt.Sprintf("the receiver answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
		RetryAfter: queue.RetryAfter(resp.Header.Get("Retry-After"), w.cfg.Now()),
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
