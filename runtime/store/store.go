package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Store keeps idempotency claims and the forwarding outbox. Both live in one
// store because completing a delivery and enqueueing its forward must be one
// atomic step: the handler acknowledges nothing it has not stored.
//
// Every implementation is safe for concurrent use by many goroutines, and
// the durable ones (SQLite, PostgreSQL, Redis) by many processes sharing the
// same database.
type Store interface {
	// Claim takes key for processing with a lease. Outcomes:
	//   - Acquired: a new claim, or a takeover of a claim whose lease ran out
	//     or that was released; the caller must Complete or Release it.
	//   - Done: a result was stored earlier; Claim.Result is that result,
	//     byte for byte, to answer the duplicate with.
	//   - Busy: another live claim holds the key; the handler answers 409 or
	//     503 with Retry-After (Claim.RetryAfter) so the platform retries.
	Claim(ctx context.Context, key string, lease time.Duration) (Claim, error)

	// Complete stores the result of an Acquired claim and appends the
	// messages that are not nil (the inbox entry that calls the user's
	// service, the outbox entry that forwards the event) to their queues,
	// in one atomic step. It fails with
	// ErrLeaseLost when another claim has taken the key over (or c was
	// completed or released already), and then stores nothing. It succeeds
	// after the lease ran out as long as nobody took the key over: the work
	// is done and nobody repeated it.
	Complete(ctx context.Context, c Claim, result Result, msgs ...*Message) error

	// Release gives an Acquired claim up after a failure so that a retry of
	// the delivery may claim the key at once instead of waiting for the
	// lease. It fails with ErrLeaseLost when c no longer holds the key.
	Release(ctx context.Context, c Claim) error

	// LeaseDue takes up to n messages of the queue kind that are due for a
	// delivery attempt, oldest due first, exclusively for lease: no other caller, in this process or another,
	// gets them until the lease runs out or the holder records a result.
	// Each leased message has Attempts incremented (it counts the attempt
	// about to be made) and a fresh LeaseToken. A message whose final
	// attempt was leased but never recorded (the worker died) is moved to
	// the dead letters instead of being attempted again. A message with a
	// Group is not due while an earlier message of the same kind and group
	// is pending (leased or not): the events of one call reach the service
	// in the order they were stored.
	LeaseDue(ctx context.Context, kind Kind, n int, lease time.Duration) ([]Message, error)

	// MarkDelivered records that the leased message m was accepted
	// downstream.
	MarkDelivered(ctx context.Context, m Message) error

	// MarkRetry records a failed attempt of the leased message m and makes
	// it due again at next. lastError says why, in a sentence without the
	// message body.
	MarkRetry(ctx context.Context, m Message, next time.Time, lastError string) error

	// MarkDead moves the leased message m to the dead letters: it will not
	// be attempted again.
	MarkDead(ctx context.Context, m Message, lastError string) error

	// DeadLetters lists up to limit dead messages, the most recent first,
	// for `callspec serve`'s status page. Body is left empty: a status page
	// must not show the personal data an event may carry.
	DeadLetters(ctx context.Context, limit int) ([]Message, error)

	// Stats counts the messages of both queues by state.
	Stats(ctx context.Context) (Stats, error)

	// Messages lists up to f.Limit messages that f selects, oldest first,
	// without their bodies: `callspec events list` shows metadata only.
	Messages(ctx context.Context, f Filter) ([]Message, error)

	// Requeue makes the dead letter id pending again, due at once, with
	// its attempts reset (`callspec events retry`). It fails with
	// ErrNotDead when no dead letter has that id.
	Requeue(ctx context.Context, id string) error

	// PurgeDead deletes the dead letters that f selects and that died
	// before the given time (`callspec events purge`), and says how many.
	PurgeDead(ctx context.Context, f Filter, before time.Time) (int64, error)

	// Prune deletes what is older than retention (at least MinRetention):
	// claims whose last change (completion, release, or the end of their
	// lease) is retention ago or more, and messages delivered retention
	// ago or more. Pending messages and dead letters are kept whatever
	// their age. Nothing else ever deletes a claim or a message: until it
	// is pruned, a completed claim answers every duplicate, however late.
	// A delivery whose claim was pruned is processed again if the
	// platform sends it once more, so retention must outlast every replay
	// that must be refused (see DefaultRetention).
	Prune(ctx context.Context, retention time.Duration) (Pruned, error)

	// Close releases the store's connections. Claims and messages of the
	// durable stores survive it.
	Close() error
}

// SharedCommits is implemented by a store whose writes from concurrent
// callers share one commit (SQLite's group commit through its one
// writer): there, many writes under way at once cost little more than
// one, while on a store where each write holds a pooled connection
// (PostgreSQL) or a round trip (Redis) they queue before the handler's
// own. The queue workers record as many outcomes at once as it allows.
type SharedCommits interface {
	// SharesCommits reports whether concurrent writes share a commit.
	SharesCommits() bool
}

// ClaimCompleter is implemented by a store that can claim a key and store
// its result in one atomic write (the SQL stores). A handler with a
// durable inbox decides a delivery before it claims it, since nothing
// slow runs between the two any more, and then a delivery costs one write
// and one commit to wait for instead of two: on SQLite, whose writes
// queue for one writer, that is most of the answer's time.
type ClaimCompleter interface {
	// ClaimComplete is Claim followed, when the claim is acquired, by
	// Complete with result and msgs, in one transaction. Its Claim is
	// what Claim would have answered: Done with the earlier result, Busy
	// with the live holder's lease, or Acquired, which here means that
	// result and msgs are stored (its Token is empty: there is nothing
	// left to complete or release).
	ClaimComplete(ctx context.Context, key string, lease time.Duration, result Result, msgs ...*Message) (Claim, error)
}

// Outcome says what Claim found.
type Outcome int

// Claim outcomes.
const (
	Acquired Outcome = iota + 1
	Done
	Busy
)

func (o Outcome) String() string {
	switch o {
	case Acquired:
		return "acquired"
	case Done:
		return "done"
	case Busy:
		return "busy"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Claim is the answer of Store.Claim.
type Claim struct {
	Key     string
	Outcome Outcome
	// Token identifies this holder of the key (Acquired only); Complete and
	// Release check it, so a holder whose lease was taken over cannot store
	// a second result.
	Token string
	// Attempt counts the claims of Key that were Acquired, this one
	// included: 1 for the first delivery, more when a claim was taken over
	// after its lease ran out or after Release (Acquired only).
	Attempt int
	// LeaseUntil is when this claim's lease ends (Acquired), or when the
	// live claim that holds the key ends at the latest (Busy).
	LeaseUntil time.Time
	// Result is the stored result (Done only).
	Result Result
}

// RetryAfter is how long a Busy caller should tell the platform to wait:
// until the holder's lease ends, rounded up to whole seconds, at least one
// second.
func (c Claim) RetryAfter(now time.Time) time.Duration {
	d := c.LeaseUntil.Sub(now)
	if d <= time.Second {
		return time.Second
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

// Result is what the handler answered for a key, replayed to duplicates.
type Result struct {
	// Status is the HTTP status code.
	Status int
	// Body is the response body (the handler's JSON answer).
	Body []byte
}

// Kind names one of the two queues a store keeps. Both share one table
// (one hash space on Redis) and one leasing design; only their consumers
// differ.
type Kind string

// Queue kinds.
const (
	// Forward is the outbox: events relayed downstream (runtime/forward).
	Forward Kind = "forward"
	// Service is the inbox: events waiting for the user's service
	// (runtime/inbox).
	Service Kind = "service"
)

// Kinds lists the queue kinds in a fixed order.
var Kinds = []Kind{Service, Forward}

func (k Kind) valid() bool { return k == Forward || k == Service }

// Filter selects messages for Messages and PurgeDead. Zero values select
// everything.
type Filter struct {
	Kind       Kind
	WorkflowID string
	// State selects one state; empty means pending and dead.
	State State
	// Since, when not zero, selects messages created at or after it.
	Since time.Time
	// Limit bounds Messages (0: 100, at most 1,000,000).
	Limit int
}

// Match reports whether m passes the filter.
func (f Filter) Match(m *Message) bool {
	return (f.Kind == "" || m.Kind == f.Kind) && !m.CreatedAt.Before(f.Since) &&
		(f.WorkflowID == "" || m.WorkflowID == f.WorkflowID) &&
		(f.State == "" && m.State != Delivered || m.State == f.State)
}

// ErrNotDead means Requeue found no dead letter with the id.
var ErrNotDead = errors.New("no dead letter has this id: list them with callspec events list --dead")

// State is where a queued message is in its life.
type State string

// Message states.
const (
	Pending   State = "pending"   // waiting for an attempt, or being attempted now
	Delivered State = "delivered" // a 2xx answer was received
	Dead      State = "dead"      // given up: attempts exhausted, 410 Gone, or a final attempt abandoned
)

// Message is one event in a queue: to forward downstream (Forward) or to
// hand to the user's service (Service).
type Message struct {
	// ID is unique across both queues and stable across retries. For a
	// forward it is the Standard Webhooks webhook-id, so the receiver can
	// drop duplicates (see MessageID); for the inbox, InboxID. Letters,
	// digits, '_' and '-' only: it is signed as "id.timestamp.body" and
	// must not contain '.'.
	ID string
	// Kind is the queue; empty in a message given to Complete means
	// Forward.
	Kind       Kind
	WorkflowID string
	// Group orders messages: one of a kind and group is due only when no
	// earlier one is pending. The handler sets the workflow and call id.
	// Empty means unordered.
	Group string
	// URL receives the POST (Forward only).
	URL string
	// SecretEnv names the environment variable holding the whsec_ signing
	// secret; the secret itself is never stored (Forward only).
	SecretEnv string
	// Body is the canonical event JSON, sent and signed byte for byte.
	Body []byte
	// Summary is metadata of the event that `callspec stats` reads: the
	// handler writes it (event type, handoff reason, platform, the names
	// of missing fields), never a field's value. Listings carry it; they
	// never carry Body.
	Summary string
	State   State
	// Attempts counts the delivery attempts started, including the one a
	// lease was taken for.
	Attempts int
	// MaxAttempts bounds Attempts; 0 in a message given to Complete means
	// DefaultMaxAttempts.
	MaxAttempts int
	// NextAttemptAt is when the message is due. While a message is leased
	// it is the end of the lease: a lease that runs out makes the message
	// due again by itself.
	NextAttemptAt time.Time
	// LastError says why the latest attempt failed; never the body.
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
	// LeaseToken identifies the holder of a lease (set by LeaseDue); the
	// Mark methods check it.
	LeaseToken string
}

// Counts counts the messages of one queue by state.
type Counts struct {
	Pending   int64 `json:"pending"`
	Delivered int64 `json:"delivered"`
	Dead      int64 `json:"dead"`
}

// Stats counts both queues; `callspec serve` shows it as JSON. The
// embedded Counts are the outbox's, as before the inbox existed.
type Stats struct {
	Counts
	Inbox Counts `json:"inbox"`
}

// Of returns the counts of kind.
func (s Stats) Of(kind Kind) Counts {
	if kind == Service {
		return s.Inbox
	}
	return s.Counts
}

// Add counts n messages of kind in state.
func (s *Stats) Add(kind Kind, state State, n int64) {
	c := &s.Counts
	if kind == Service {
		c = &s.Inbox
	}
	switch state {
	case Pending:
		c.Pending += n
	case Delivered:
		c.Delivered += n
	case Dead:
		c.Dead += n
	}
}

// Pruned counts what Prune deleted.
type Pruned struct {
	Claims   int64 `json:"claims"`
	Messages int64 `json:"messages"`
}

// DefaultRetention is how long completed claims and delivered messages are
// kept when nothing else is configured: 90 days. A completed claim is
// what refuses a replayed delivery of a platform that signs no timestamp
// (Bland), so such a replay is refused for as long as its claim is kept.
const DefaultRetention = 90 * 24 * time.Hour

// MinRetention is the shortest retention Prune accepts: 7 days, twice the
// longest retry schedule a platform documents (Standard Webhooks' example
// retries for 75.5 hours), so that no retry of a delivery is processed
// twice.
const MinRetention = 7 * 24 * time.Hour

// PruneBatch bounds the rows or keys one statement or script deletes, so
// that pruning a large backlog never holds the database for long.
const PruneBatch = 1000

// CheckRetention says why retention is too short for Prune, or returns
// nil.
func CheckRetention(retention time.Duration) error {
	if retention < MinRetention {
		return fmt.Errorf("the retention %v is shorter than the minimum of %v: a platform's retries of a delivery would be processed again", retention, MinRetention)
	}
	return nil
}

// DefaultMaxAttempts is the attempt limit of a message that sets none; it
// matches workflow.DefaultMaxAttempts.
const DefaultMaxAttempts = 8

// ErrLeaseLost means a claim or an outbox lease is no longer held by the
// caller: its lease ran out and another holder took it over, or it was
// completed, released or recorded already.
var ErrLeaseLost = errors.New("the claim or lease is no longer held: it was taken over after its lease ran out, or it was completed, released or recorded already")

// ErrClosed is returned by a closed memory store.
var ErrClosed = errors.New("the store is closed")

// Key is the idempotency key of a delivery in a store shared by several
// workflows: the workflow id (lower_snake, so it contains no '/') and the
// key the workflow's idempotency_key expression produced.
//
// A key PostgreSQL's text type cannot hold (a NUL byte, invalid UTF-8,
// both of which a CEL idempotency_key expression can produce from what a
// platform sent) is stored as "sha256:" and the hex digest of the key, so
// that the store answers rather than failing every retry with a 503.
// Every other key is kept as it is, readable in the store.
func Key(workflowID, idempotencyKey string) string {
	if strings.IndexByte(idempotencyKey, 0) >= 0 || !utf8.ValidString(idempotencyKey) {
		sum := sha256.Sum256([]byte(idempotencyKey))
		idempotencyKey = "sha256:" + hex.EncodeToString(sum[:])
	}
	return workflowID + "/" + idempotencyKey
}

// MessageID is the stable webhook-id of the forward of one delivery:
// "msg_" and 32 hex digits of SHA-256 over the workflow id and the
// idempotency key. Every retry, by any replica, sends the same id.
func MessageID(workflowID, idempotencyKey string) string {
	sum := sha256.Sum256([]byte(workflowID + "\x00" + idempotencyKey))
	return "msg_" + hex.EncodeToString(sum[:16])
}

// InboxID is the id of the inbox entry of one delivery: "evt_" and 32
// hex digits of SHA-256 over the workflow id and the idempotency key.
func InboxID(workflowID, idempotencyKey string) string {
	sum := sha256.Sum256([]byte(workflowID + "\x00" + idempotencyKey))
	return "evt_" + hex.EncodeToString(sum[:16])
}

// Option configures a store as it is opened (OpenMemory, and Open of each
// backend package).
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes the store read the time from now instead of time.Now:
// tests move time forward to expire leases without sleeping. Stores keep
// times in milliseconds.
//
// The durable stores compare leases with the clock of the process that
// calls them, not the database's, so replicas sharing a database need
// synchronised clocks (NTP); leases of seconds to minutes dwarf ordinary
// skew.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

func buildOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

// DefaultDSN is the embedded default store: a SQLite file in the working
// directory.
const DefaultDSN = "sqlite:callspec.db"

// OpenMemory opens a store that lives in this process only (tests,
// benchmarks, callspec test): the DSN memory:.
func OpenMemory(opts ...Option) Store { return newMemory(buildOptions(opts)) }

// Clock returns the clock opts set (WithClock), or time.Now: the backend
// packages read it when they open a store.
func Clock(opts ...Option) func() time.Time { return buildOptions(opts).now }

// OpenURL opens a store whose DSN is a postgres:// or redis:// URL with
// open after checking that it parses (a driver would quote one that does
// not in its error), and keeps the URL's secrets out of the errors open
// returns: the backend packages open their URLs through it.
func OpenURL(dsn string, open func(dsn string) (Store, error)) (Store, error) {
	_, secrets, err := parseURLDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open the store %s: %w", RedactDSN(dsn), err)
	}
	s, err := open(dsn)
	return s, scrub(err, secrets)
}

// The helpers below are shared by the store implementations (the memory
// store of this package and the backend packages sqlitestore, pgstore and
// redisstore, through sqlstore), so that every backend checks its
// arguments and keeps times alike.

// NewToken returns a random lease token.
func NewToken() string { return rand.Text() }

// ToMS is t in Unix milliseconds, as the stores keep times.
func ToMS(t time.Time) int64 { return t.UnixMilli() }

// FromMS is the UTC time of Unix milliseconds ms.
func FromMS(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// CheckClaimArgs checks the arguments of Claim.
func CheckClaimArgs(key string, lease time.Duration) error {
	if key == "" {
		return errors.New("the idempotency key is empty; the handler must compute one before claiming")
	}
	if lease < time.Millisecond {
		return fmt.Errorf("the lease %v is too short: it must be at least a millisecond", lease)
	}
	return nil
}

// CheckHeld checks that c was acquired, for Complete and Release.
func CheckHeld(c Claim) error {
	if c.Outcome != Acquired || c.Token == "" {
		return fmt.Errorf("the claim of %q was %s, not acquired: only an acquired claim can be completed or released", c.Key, c.Outcome)
	}
	return nil
}

// CheckResult checks the result given to Complete.
func CheckResult(r Result) error {
	if r.Status < 100 || r.Status > 599 {
		return fmt.Errorf("the result status %d is not an HTTP status code", r.Status)
	}
	return nil
}

// CheckLeased checks that m was leased, for the Mark methods.
func CheckLeased(m Message) error {
	if m.ID == "" || m.LeaseToken == "" {
		return fmt.Errorf("the message %q carries no lease token: only a message returned by LeaseDue can be marked", m.ID)
	}
	return nil
}

// CheckLeaseDueArgs checks the arguments of LeaseDue.
func CheckLeaseDueArgs(kind Kind, n int, lease time.Duration) error {
	if !kind.valid() {
		return fmt.Errorf("LeaseDue was asked for the queue %q; use store.Forward or store.Service", kind)
	}
	if n < 1 {
		return fmt.Errorf("LeaseDue was asked for %d messages; ask for at least one", n)
	}
	if lease < time.Millisecond {
		return fmt.Errorf("the lease %v is too short: it must be at least a millisecond", lease)
	}
	return nil
}

// maxIDLength bounds message ids; MessageID makes 36 characters.
const maxIDLength = 128

// prepareMessage checks a message given to Complete and returns the copy the
// store keeps: pending, no attempts yet, due at once unless scheduled later.
func prepareMessage(m *Message, now time.Time) (Message, error) {
	if m.ID == "" || len(m.ID) > maxIDLength {
		return Message{}, fmt.Errorf("the outbox message id %q must have 1 to %d characters", m.ID, maxIDLength)
	}
	for _, r := range m.ID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return Message{}, fmt.Errorf("the outbox message id %q may contain only letters, digits, '_' and '-' (it is signed as id.timestamp.body and sent as a header)", m.ID)
		}
	}
	kind := m.Kind
	if kind == "" {
		kind = Forward
	}
	switch kind {
	case Forward:
		u, err := url.Parse(m.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Message{}, fmt.Errorf("the outbox message %s has no http(s) URL to deliver to", m.ID)
		}
		if m.SecretEnv == "" {
			return Message{}, fmt.Errorf("the outbox message %s names no secret environment variable: forwarded events are always signed", m.ID)
		}
	case Service:
	default:
		return Message{}, fmt.Errorf("the message %s is of the queue %q; use store.Forward or store.Service", m.ID, m.Kind)
	}
	if len(m.Body) == 0 {
		return Message{}, fmt.Errorf("the outbox message %s has an empty body", m.ID)
	}
	if m.MaxAttempts < 0 {
		return Message{}, fmt.Errorf("the outbox message %s has max attempts %d; it must be positive, or 0 for the default of %d", m.ID, m.MaxAttempts, DefaultMaxAttempts)
	}
	now = FromMS(ToMS(now))
	out := Message{
		ID:            m.ID,
		Kind:          kind,
		WorkflowID:    m.WorkflowID,
		Group:         m.Group,
		URL:           m.URL,
		SecretEnv:     m.SecretEnv,
		Body:          append([]byte(nil), m.Body...),
		Summary:       m.Summary,
		State:         Pending,
		MaxAttempts:   m.MaxAttempts,
		NextAttemptAt: now,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if out.MaxAttempts == 0 {
		out.MaxAttempts = DefaultMaxAttempts
	}
	if m.NextAttemptAt.After(now) {
		out.NextAttemptAt = FromMS(ToMS(m.NextAttemptAt))
	}
	return out, nil
}

// CheckComplete checks the arguments of Complete, the one prelude every
// backend runs: the claim is held, the result is valid, and the messages
// (nil ones skipped) are filled in for storing at now.
func CheckComplete(held Claim, result Result, msgs []*Message, now time.Time) ([]Message, error) {
	if err := CheckHeld(held); err != nil {
		return nil, err
	}
	if err := CheckResult(result); err != nil {
		return nil, err
	}
	return PrepareMessages(msgs, now)
}

// CheckClaimComplete checks the arguments of ClaimComplete, the prelude
// every ClaimCompleter runs: Claim's, and the result Complete would store.
// The messages are prepared with PrepareMessages at the time of the write.
func CheckClaimComplete(key string, lease time.Duration, result Result) error {
	if err := CheckClaimArgs(key, lease); err != nil {
		return err
	}
	return CheckResult(result)
}

// PrepareMessages checks the messages given to Complete, skipping nil ones.
func PrepareMessages(msgs []*Message, now time.Time) ([]Message, error) {
	var out []Message
	for _, m := range msgs {
		if m == nil {
			continue
		}
		p, err := prepareMessage(m, now)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// AbandonedFinalAttempt is the last error of a message whose final attempt
// was leased but never recorded.
const AbandonedFinalAttempt = "the final attempt was never recorded: the delivery worker stopped while it held the lease, and the lease ran out"

// deadLetterLimit bounds DeadLetters when the caller gives no limit.
const deadLetterLimit = 100

// MaxListLimit bounds Messages: `callspec stats` reads a window's events.
const MaxListLimit = 1_000_000

// ListLimit is the number of messages Messages returns for the limit
// asked: deadLetterLimit for none, at most MaxListLimit.
func ListLimit(limit int) int {
	switch {
	case limit <= 0:
		return deadLetterLimit
	case limit > MaxListLimit:
		return MaxListLimit
	}
	return limit
}

// NormLimit is the number of messages DeadLetters returns for the limit
// asked: deadLetterLimit for none, at most 10000.
func NormLimit(limit int) int {
	switch {
	case limit <= 0:
		return deadLetterLimit
	case limit > 10000:
		return 10000
	}
	return limit
}
