// Package handler is the HTTP side of a generated webhook handler. Per
// delivery it:
//
//  1. limits the body (default 1 MiB) → 413;
//  2. verifies the platform's signature, in constant time with timestamp
//     tolerance → 401, and nothing is stored;
//  3. decodes the platform payload into the canonical inbound call → 400
//     with a reason that never quotes the payload;
//  4. validates the fields and evaluates the handoff rules: exactly one
//     completed or handoff event (this reads the delivery only, so it is
//     done before the claim);
//  5. claims the idempotency key with a lease: a duplicate of a finished
//     delivery gets the first answer byte for byte; a duplicate of one in
//     flight waits for it (then 409 with Retry-After); a claim whose
//     process died is taken over after its lease;
//  6. durable inbox: stores the answer, the event in the inbox and, when
//     the spec forwards, the event in the outbox, in one atomic step, and
//     answers 200 at once (a store failure → 503: nothing is acknowledged
//     that was not stored; every store step is bounded by StoreTimeout).
//     On a store.ClaimCompleter (the SQL and memory stores) steps 5 and 6
//     are one write.
//     The user's service is called from the inbox by an inbox.Worker, with
//     backoff and jitter, at least once per event, the events of one call
//     in order; after ServiceMaxAttempts (or the worker's MaxAge) the
//     event is a dead letter for `callspec events`. The platform's timeout
//     never depends on the service;
//  7. logs only the attributes the spec's log: list allows;
//  8. counts what it did in Config.Metrics (deliveries, decisions, ignored
//     events, signature failures, latency), which `callspec serve` serves
//     at /metrics.
//
// The service runs in the inbox worker, not in the request, as soon as a
// worker runs: Config.Inbox names one (a process that serves several
// workflows from one store gives them one), or the handler's own runs
// under Run. A handler with neither (a program written before the inbox,
// which never calls Run) calls the service inside the request as it used
// to, so that no event waits for a worker that never starts: an error
// releases the claim and answers 500, so the platform retries it.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all" // NewFor looks platforms up by name
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/logging"
	"github.com/callspec/callspec/runtime/store"
)

// Dispatch hands a decided event to the user's service. It runs in the
// inbox worker, after the platform was answered; an error makes the worker
// retry it later. The event's idempotency_key lets the service drop the
// rare repeat that happens when a process dies after the service
// succeeded.
type Dispatch func(ctx context.Context, ev *event.Event) error

// Config configures a handler.
type Config struct {
	// Provider is the platform whose deliveries this handler takes.
	Provider providers.Adapter
	// Secret verifies signatures (or, for a URL-token platform, is the
	// token). It must not be empty.
	Secret []byte
	// PreviousSecret, when not empty, is accepted as well as Secret: the
	// secret being rotated out.
	PreviousSecret []byte
	// Auth is the auth mode of the platform (workflow.AuthHMAC, …); ""
	// keeps Provider as it is. NewFor sets it from the Definition.
	Auth string
	// Store keeps idempotency claims and the outbox.
	Store store.Store
	// Logger receives one record per delivery; it is wrapped in the
	// spec's allow-list. Nil logs nothing.
	Logger *slog.Logger
	// MaxBodyBytes bounds a delivery (default 1 MiB).
	MaxBodyBytes int64
	// Lease is how long a claim is held before another process may take
	// the delivery over (default 60 s).
	Lease time.Duration
	// DuplicateWait is how long a duplicate of a delivery in flight waits
	// for its answer (default 10 s).
	DuplicateWait time.Duration
	// ServiceTimeout bounds the user's service call in the handler's own
	// inbox worker (default 30 s; see Inbox).
	ServiceTimeout time.Duration
	// ServiceMaxAttempts is the retry budget of an event in the inbox: the
	// calls of the service before it is a dead letter (default 20).
	ServiceMaxAttempts int
	// Inbox calls the service with the stored events. Nil: the handler
	// makes its own from Store, with ServiceTimeout and the inbox
	// package's defaults, and Run runs it. Handlers of several workflows
	// sharing one store should share one worker.
	Inbox *inbox.Worker
	// Metrics counts deliveries; nil counts nothing.
	Metrics Metrics
	// StoreTimeout bounds each step that talks to the store (claiming,
	// completing with its retries, releasing; default 5 s), so that an
	// unreachable database makes the handler answer 503 rather than hold
	// the platform's request open.
	StoreTimeout time.Duration
	// Now reads the clock (tests); default time.Now.
	Now func() time.Time
	// Enqueued is called after a delivery's forward was stored in the
	// outbox, to wake the forwarding worker; optional.
	Enqueued func()
}

// Metrics receives what the handler counts (runtime/metrics implements
// it for Prometheus). Labels are ids, names and reasons, never a value a
// caller said.
type Metrics interface {
	// Delivery counts one answered delivery: its outcome (the log's
	// outcome attribute) and how long the handler took.
	Delivery(workflowID, provider, outcome string, d time.Duration)
	// Decision counts one decided event: its type and handoff reason
	// ("" for a completed call).
	Decision(workflowID, event, reason string)
}

// Defaults.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultLease          = 60 * time.Second
	DefaultDuplicateWait  = 10 * time.Second
	DefaultServiceTimeout = 30 * time.Second
	DefaultStoreTimeout   = 5 * time.Second
	// DefaultServiceMaxAttempts calls a failing service for about an hour
	// with the inbox package's backoff (see inbox.DefaultBackoffCap).
	DefaultServiceMaxAttempts = 20
)

// completeAttempts bounds how often the handler tries to store a result
// whose first attempt failed (see complete).
const completeAttempts = 3

// Handler serves one workflow's deliveries from one platform.
type Handler struct {
	wf       *workflow.Compiled
	cfg      Config
	dispatch Dispatch
	log      *slog.Logger
	// ownInbox is true when the handler made cfg.Inbox itself (Run runs
	// it); running, once Run has started it.
	ownInbox bool
	running  atomic.Bool
}

// NewFor returns the handler of a workflow for deliveries from the named
// provider, with the auth mode the Definition gives that platform, reading
// its secret from the environment variable the Definition names for it
// (and the previous secret of a rotation from that name with
// workflow.PreviousSecretSuffix) unless cfg.Secret is set. Generated
// NewHandler functions call it.
func NewFor(wf *workflow.Compiled, provider string, cfg Config, dispatch Dispatch) (*Handler, error) {
	p, err := providers.Lookup(provider)
	if err != nil {
		return nil, err
	}
	cfg.Provider = p
	platform := wf.Definition().Platform(provider)
	if cfg.Auth == "" {
		cfg.Auth = platform.Auth
	}
	if len(cfg.Secret) == 0 {
		cfg.Secret = []byte(os.Getenv(platform.SecretEnv))
		cfg.PreviousSecret = []byte(os.Getenv(platform.SecretEnv + workflow.PreviousSecretSuffix))
	}
	return New(wf, cfg, dispatch)
}

// New checks cfg and returns the handler.
func New(wf *workflow.Compiled, cfg Config, dispatch Dispatch) (*Handler, error) {
	def := wf.Definition()
	switch {
	case cfg.Provider == nil:
		return nil, fmt.Errorf("workflow %s: no provider configured", def.ID)
	case len(cfg.Secret) == 0:
		return nil, fmt.Errorf("workflow %s: the secret of %s is empty; set the environment variable %s", def.ID, cfg.Provider.Name(), def.Platform(cfg.Provider.Name()).SecretEnv)
	case cfg.Store == nil:
		return nil, fmt.Errorf("workflow %s: no idempotency store configured", def.ID)
	case dispatch == nil:
		return nil, fmt.Errorf("workflow %s: no service configured", def.ID)
	}
	if cfg.Auth != "" {
		p, err := providers.WithAuth(cfg.Provider, cfg.Auth)
		if err != nil {
			return nil, fmt.Errorf("workflow %s: %w", def.ID, err)
		}
		cfg.Provider = p
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.DuplicateWait <= 0 {
		cfg.DuplicateWait = DefaultDuplicateWait
	}
	if cfg.ServiceTimeout <= 0 {
		cfg.ServiceTimeout = DefaultServiceTimeout
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.ServiceMaxAttempts <= 0 {
		cfg.ServiceMaxAttempts = DefaultServiceMaxAttempts
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := slog.New(discard{})
	if cfg.Logger != nil {
		log = slog.New(logging.AllowList(cfg.Logger.Handler(), def.Log))
	}
	h := &Handler{wf: wf, cfg: cfg, dispatch: dispatch, log: log}
	if h.cfg.Inbox == nil {
		logger := cfg.Logger
		if logger == nil {
			logger = slog.New(discard{})
		}
		w, err := inbox.New(inbox.Config{Store: cfg.Store, Timeout: cfg.ServiceTimeout, Now: cfg.Now, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("workflow %s: %w", def.ID, err)
		}
		h.cfg.Inbox, h.ownInbox = w, true
	}
	h.cfg.Inbox.Handle(def.ID, h.callService)
	return h, nil
}

// Run calls the service with the stored events until ctx ends, when the
// handler made its own inbox worker (Config.Inbox was nil); otherwise the
// owner of the shared worker runs it, and Run only waits for ctx. A
// program that serves a generated handler starts it beside the HTTP
// server: go h.Run(ctx).
func (h *Handler) Run(ctx context.Context) {
	if h.ownInbox {
		h.running.Store(true)
		h.cfg.Inbox.Run(ctx)
		return
	}
	<-ctx.Done()
}

// durable reports whether a worker calls the service from the inbox.
func (h *Handler) durable() bool { return !h.ownInbox || h.running.Load() }

// Inbox returns the worker that calls the service (Config.Inbox or the
// handler's own).
func (h *Handler) Inbox() *inbox.Worker { return h.cfg.Inbox }

// callService decodes a stored event and hands it to the service. The
// stored JSON is the event the handler decided; its fields are validated
// again so that they carry the Go types the service's code expects
// (int64 for integers), not the float64 of a JSON number.
func (h *Handler) callService(ctx context.Context, body []byte) error {
	var ev event.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return fmt.Errorf("the stored event does not decode: %w", err)
	}
	if ev.Fields != nil {
		ev.Fields = h.wf.Validate(ev.Fields).JSON
	}
	return h.dispatch(ctx, &ev)
}

type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }

// answer is the JSON body of every response.
// ReplayedHeader is set to "true" on the answer to a duplicate of a
// finished delivery, whose body is the first answer byte for byte (the
// name is the one Stripe and others use for an idempotent replay), so that
// a sender can tell a replay from a new delivery.
const ReplayedHeader = "Idempotent-Replayed"

type answer struct {
	Status         string `json:"status"`
	Event          string `json:"event,omitempty"`
	HandoffReason  string `json:"handoff_reason,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Error          string `json:"error,omitempty"`
	// Reason says why a delivery was acknowledged without processing.
	Reason string `json:"reason,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	status, body, attrs := h.serve(w, r)
	attrs = append(attrs,
		slog.String("workflow_id", h.wf.Definition().ID),
		slog.String("provider", h.cfg.Provider.Name()),
		// The pattern, never the path: a URL-token platform's path holds
		// its secret.
		slog.String("route", r.Pattern),
		slog.Int("http.status", status),
		slog.Int64("duration_ms", h.cfg.Now().Sub(start).Milliseconds()))
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	} else if status >= 400 {
		level = slog.LevelWarn
	}
	h.log.LogAttrs(r.Context(), level, "delivery", attrs...)
	if h.cfg.Metrics != nil {
		h.cfg.Metrics.Delivery(h.wf.Definition().ID, h.cfg.Provider.Name(), outcomeOf(attrs), h.cfg.Now().Sub(start))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readBody reads at most limit bytes of the body. When the request says
// its length (platforms do), the body is read into one buffer of that
// size instead of one grown by doubling.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, limit)
	n := r.ContentLength
	if n <= 0 || n > limit {
		// Unknown length, or too long: MaxBytesReader reports the latter.
		return io.ReadAll(body)
	}
	buf := make([]byte, n, n+1)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	// A body longer than it said is read on, up to the limit.
	rest, err := io.ReadAll(body)
	return append(buf, rest...), err
}

func encode(a answer) []byte {
	b, _ := json.Marshal(a)
	return append(b, '\n')
}

func refuse(status int, outcome, reason string) (int, []byte, []slog.Attr) {
	return status, encode(answer{Status: "rejected", Error: reason}), []slog.Attr{slog.String("outcome", outcome), slog.String("reason", reason)}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, []byte, []slog.Attr) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return refuse(http.StatusMethodNotAllowed, "method_not_allowed", "deliveries are POST requests")
	}
	// 1. Body limit.
	body, err := readBody(w, r, h.cfg.MaxBodyBytes)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return refuse(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than %d bytes (limit max-body-size)", h.cfg.MaxBodyBytes))
		}
		return refuse(http.StatusBadRequest, "unreadable", "the body could not be read")
	}
	// 2. Signature: nothing is stored for a delivery that fails it.
	if err := h.verify(r, body); err != nil {
		// The caller learns only that it was refused; the operator's log
		// says why (a missing header, a wrong key, no URL token), which no
		// Verify error does by echoing a header, token or secret.
		status, answer, attrs := refuse(http.StatusUnauthorized, "bad_signature", "signature verification failed")
		return status, answer, append(attrs[:1], slog.String("reason", err.Error()))
	}
	// 3. Decode.
	def := h.wf.Definition()
	in, err := h.cfg.Provider.Decode(body, def)
	var ignored *providers.IgnoredError
	if errors.As(err, &ignored) {
		// An event type the workflow does not process: verified, then
		// acknowledged, so the platform neither retries nor alerts;
		// nothing is stored and no service is called.
		return http.StatusOK, encode(answer{Status: "ignored", Reason: ignored.Error()}), []slog.Attr{slog.String("outcome", "ignored"), slog.String("reason", ignored.Error())}
	}
	if err != nil {
		reason := "the payload is not a post-call delivery of " + h.cfg.Provider.Name()
		var de *providers.DecodeError
		if errors.As(err, &de) {
			reason = de.Reason
		}
		return refuse(http.StatusBadRequest, "malformed", reason)
	}
	key, err := h.wf.IdempotencyKey(in)
	if err != nil {
		return refuse(http.StatusBadRequest, "no_idempotency_key", err.Error())
	}
	// One slice for the whole log line: call, decision, outcome and the
	// four ServeHTTP adds.
	attrs := appendCallAttrs(make([]slog.Attr, 0, 16+len(def.Log)), in)
	// 4. Decide: validation and the handoff rules read the delivery only,
	// so the decision is made before the claim, and a durable handler can
	// claim the delivery and store its answer in one write (step 5).
	d := h.wf.Decide(in, key, providers.SignatureStatus(h.cfg.Provider))
	ev := d.Event
	// The answer, the event for the service and its forward, stored
	// together; the service is called from the store (the durable inbox).
	ok := answer{Status: "accepted", Event: ev.Event, IdempotencyKey: key}
	if ev.Handoff != nil {
		ok.HandoffReason = ev.Handoff.Reason
	}
	result := store.Result{Status: http.StatusOK, Body: encode(ok)}
	eventJSON, err := json.Marshal(ev)
	if err != nil {
		return refuse(http.StatusInternalServerError, "internal", "the event could not be encoded")
	}
	durable := h.durable()
	var inboxEntry *store.Message
	if durable {
		inboxEntry = &store.Message{
			ID: store.InboxID(def.ID, key), Kind: store.Service, WorkflowID: def.ID, Summary: summarize(ev, h.cfg.Provider.Name()),
			// The call orders its events; the workflow keeps two workflows'
			// ids apart.
			Group: def.ID + "/" + in.Call.ID,
			Body:  eventJSON, MaxAttempts: h.cfg.ServiceMaxAttempts,
		}
	}
	var msg *store.Message
	if def.Forward != nil {
		msg = &store.Message{
			ID: store.MessageID(def.ID, key), Kind: store.Forward, WorkflowID: def.ID, URL: def.Forward.URL,
			SecretEnv: def.Forward.SecretEnv, Body: eventJSON, MaxAttempts: def.Forward.MaxAttempts,
		}
	}
	// 5. Idempotency.
	var claim store.Claim
	var status int
	var answerBody []byte
	if cc, one := h.cfg.Store.(store.ClaimCompleter); one && durable {
		claim, status, answerBody, err = h.claimComplete(r.Context(), cc, store.Key(def.ID, key), result, inboxEntry, msg)
	} else {
		claim, status, answerBody, err = h.claim(r.Context(), store.Key(def.ID, key))
	}
	if err != nil {
		w.Header().Set("Retry-After", "5")
		s, b, a := refuse(http.StatusServiceUnavailable, "store_unavailable", "the idempotency store is unavailable; retry later")
		return s, b, append(a, attrs...)
	}
	if claim.Outcome != store.Acquired {
		if claim.Outcome == store.Done {
			w.Header().Set(ReplayedHeader, "true")
		}
		if claim.Outcome == store.Busy {
			w.Header().Set("Retry-After", strconv.Itoa(int(claim.RetryAfter(h.cfg.Now())/time.Second)))
		}
		return status, answerBody, append(attrs, slog.String("outcome", "duplicate_"+claim.Outcome.String()))
	}
	attrs = appendEventAttrs(attrs, ev, def.Log)
	if h.cfg.Metrics != nil {
		reason := ""
		if ev.Handoff != nil {
			reason = ev.Handoff.Reason
		}
		h.cfg.Metrics.Decision(def.ID, ev.Event, reason)
	}
	if claim.Token == "" {
		// 6. Claimed and stored in one write.
		return h.stored(result, inboxEntry, msg, attrs)
	}
	if !durable {
		// No worker runs: the service is called here, before anything is
		// stored, as before the inbox.
		ctx, cancel := context.WithTimeout(r.Context(), h.cfg.ServiceTimeout)
		err = h.dispatch(ctx, ev)
		cancel()
		if err != nil {
			h.release(r.Context(), claim)
			return http.StatusInternalServerError, encode(answer{Status: "error", Error: "the service failed to process the event; retry later"}),
				append(attrs, slog.String("outcome", "service_error"), slog.String("error_kind", fmt.Sprintf("%T", err)))
		}
	}
	// 6. Durable inbox: the answer stored with the messages.
	if err := h.complete(r.Context(), claim, result, inboxEntry, msg); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			// Another process took the delivery over after our lease ran
			// out; it will store the answer.
			w.Header().Set("Retry-After", "1")
			return http.StatusConflict, encode(answer{Status: "retry", Error: "the delivery is being processed by another worker; retry"}),
				append(attrs, slog.String("outcome", "lease_lost"))
		}
		w.Header().Set("Retry-After", "5")
		return http.StatusServiceUnavailable, encode(answer{Status: "error", Error: "the result could not be stored; retry later"}),
			append(attrs, slog.String("outcome", "store_unavailable"))
	}
	return h.stored(result, inboxEntry, msg, attrs)
}

// stored wakes the workers of the messages a delivery stored and answers
// it.
func (h *Handler) stored(result store.Result, inboxEntry, msg *store.Message, attrs []slog.Attr) (int, []byte, []slog.Attr) {
	if inboxEntry != nil {
		h.cfg.Inbox.Notify()
	}
	if msg != nil && h.cfg.Enqueued != nil {
		h.cfg.Enqueued()
	}
	return result.Status, result.Body, append(attrs, slog.String("outcome", "processed"))
}

// TokenInPath reports whether the platform's deliveries carry the secret
// as the last segment of the URL path (workflow.AuthURLToken): such a
// handler is mounted with Handle.
func (h *Handler) TokenInPath() bool { return providers.UsesURLToken(h.cfg.Provider) }

// verify authenticates a delivery with the current secret or, during a
// rotation, the previous one: the platform's signature, or the URL token
// (the {token...} wildcard of the route Handle mounted).
func (h *Handler) verify(r *http.Request, body []byte) error {
	err := h.verifyWith(h.cfg.Secret, r, body)
	if err != nil && len(h.cfg.PreviousSecret) > 0 {
		if h.verifyWith(h.cfg.PreviousSecret, r, body) == nil {
			return nil
		}
	}
	return err
}

func (h *Handler) verifyWith(secret []byte, r *http.Request, body []byte) error {
	if h.TokenInPath() {
		return providers.VerifyURLToken(secret, r.PathValue(providers.TokenWildcard))
	}
	return h.cfg.Provider.Verify(secret, r.Header, body, h.cfg.Now())
}

// complete stores the result and the outbox message. The request may have
// been cancelled (the platform hung up), but the work is done and must be
// recorded, so only StoreTimeout bounds it. A failed attempt is retried: a
// connection that a restarting database reset fails one statement, and the
// next, on a fresh connection, succeeds; answering 503 at once would make
// the platform's retry wait out the lease and run the service again.
func (h *Handler) complete(ctx context.Context, c store.Claim, result store.Result, msgs ...*store.Message) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.StoreTimeout)
	defer cancel()
	wait := 25 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := h.cfg.Store.Complete(ctx, c, result, msgs...)
		if err == nil || errors.Is(err, store.ErrLeaseLost) || attempt == completeAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// release gives a claim up after a failure before anything was stored, so
// the platform's retry runs at once; when it fails, the retry waits out
// the lease.
func (h *Handler) release(ctx context.Context, c store.Claim) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.StoreTimeout)
	defer cancel()
	_ = h.cfg.Store.Release(ctx, c)
}

// claimComplete claims the key and stores result and msgs in one write.
// A key another holder has in flight (a handler that calls its service
// before it stores, in this process or a replica) is polled as claim
// does.
func (h *Handler) claimComplete(ctx context.Context, cc store.ClaimCompleter, key string, result store.Result, msgs ...*store.Message) (store.Claim, int, []byte, error) {
	cctx, cancel := context.WithTimeout(ctx, h.cfg.StoreTimeout)
	c, err := cc.ClaimComplete(cctx, key, h.cfg.Lease, result, msgs...)
	cancel()
	switch {
	case err != nil:
		return c, 0, nil, err
	case c.Outcome == store.Done:
		return c, c.Result.Status, c.Result.Body, nil
	case c.Outcome == store.Busy:
		return h.claim(ctx, key)
	}
	return c, 0, nil, nil
}

// claim takes the key; a duplicate of a delivery in flight polls until the
// first one finishes, so concurrent duplicates get the same answer.
func (h *Handler) claim(ctx context.Context, key string) (store.Claim, int, []byte, error) {
	deadline := h.cfg.Now().Add(h.cfg.DuplicateWait)
	wait := 5 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, h.cfg.StoreTimeout)
		c, err := h.cfg.Store.Claim(cctx, key, h.cfg.Lease)
		cancel()
		if err != nil {
			return c, 0, nil, err
		}
		switch c.Outcome {
		case store.Acquired:
			return c, 0, nil, nil
		case store.Done:
			return c, c.Result.Status, c.Result.Body, nil
		}
		if !h.cfg.Now().Before(deadline) {
			return c, http.StatusConflict, encode(answer{Status: "retry", Error: "the same delivery is being processed; retry"}), nil
		}
		select {
		case <-ctx.Done():
			return c, 0, nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

// Summary is the metadata of a decided event that is kept with its inbox
// entry (store.Message.Summary) for `callspec stats`: names only, never a
// field's value.
type Summary struct {
	Event    string `json:"event"`
	Reason   string `json:"reason,omitempty"`
	Platform string `json:"platform"`
	// Missing and Invalid name required fields the call did not produce or
	// whose values were refused.
	Missing []string `json:"missing,omitempty"`
	Invalid []string `json:"invalid,omitempty"`
}

func summarize(ev *event.Event, platform string) string {
	s := Summary{Event: ev.Event, Platform: platform}
	if ev.Handoff != nil {
		s.Reason = ev.Handoff.Reason
		s.Missing = ev.Handoff.MissingFields
		for _, p := range ev.Handoff.InvalidFields {
			s.Invalid = append(s.Invalid, p.Field)
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// outcomeOf reads the outcome attribute of a delivery's log line.
func outcomeOf(attrs []slog.Attr) string {
	for i := len(attrs) - 1; i >= 0; i-- {
		if attrs[i].Key == "outcome" {
			return attrs[i].Value.String()
		}
	}
	return "unknown"
}

// appendCallAttrs adds the call metadata; its keys are logkeys.CallKeys,
// which lint accepts in a spec's log: list.
func appendCallAttrs(dst []slog.Attr, in *event.Inbound) []slog.Attr {
	return append(dst,
		slog.String("call.id", in.Call.ID),
		slog.String("call.provider", in.Call.Provider),
		slog.String("call.status", in.Call.Status),
		slog.String("call.end_reason", in.Call.EndReason),
		slog.String("call.direction", in.Call.Direction),
		slog.Int64("call.duration_s", in.Call.DurationS),
	)
}

// eventAttrs logs the decision and the fields the log: list names; the
// allow-list handler drops whatever the list does not name.
func appendEventAttrs(attrs []slog.Attr, ev *event.Event, allowed []string) []slog.Attr {
	attrs = append(attrs, slog.String("event", ev.Event))
	if ev.NextAction != "" {
		attrs = append(attrs, slog.String("next_action", ev.NextAction))
	}
	if ev.Handoff != nil {
		attrs = append(attrs, slog.String("handoff.reason", ev.Handoff.Reason), slog.String("handoff.severity", ev.Handoff.Severity))
	}
	for _, k := range allowed {
		name, ok := strings.CutPrefix(k, "fields.")
		if !ok {
			continue
		}
		switch v := ev.Fields[name].(type) {
		case string:
			attrs = append(attrs, slog.String(k, v))
		case bool:
			attrs = append(attrs, slog.Bool(k, v))
		case int64:
			attrs = append(attrs, slog.Int64(k, v))
		case float64:
			attrs = append(attrs, slog.Float64(k, v))
		}
	}
	return attrs
}
