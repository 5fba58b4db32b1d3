package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxGroup bounds the callers whose writes one group commit holds.
const maxGroup = 32

// querier is what a write runs its statements on: the pool (a statement
// commits by itself) or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// errClosed answers a write to a closed store.
var errClosed = errors.New("the store is closed")

// commitError is an error of the group rather than of a write's own
// statements: beginning or committing the transaction, a savepoint, the
// caller's context, a closed store. Its text is err's.
type commitError struct{ err error }

func (e *commitError) Error() string { return e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }

// groupCommit commits the writes of concurrent callers to a database with
// one writing connection (SQLite) together: one goroutine takes every
// write waiting for the writer, runs each in a savepoint of its own within
// one transaction (a write that fails is rolled back alone, as its own
// transaction would have been) and commits them with one fsync. A caller
// returns when the commit that holds its write is durable, so an accepted
// delivery is as durable as with a commit of its own, while N callers
// queued on the writer cost one commit instead of N: each delivery's
// claim, completion, leases and marks otherwise took six fsync'd commits
// in turn through the one writer. Nothing waits to gather a group: the
// writes that arrive while a group commits form the next.
type groupCommit struct {
	db *sql.DB
	// first are the writes of the queue workers (leases and outcomes),
	// which a group takes before the writes of deliveries: a worker has
	// one write under way at a time, a delivery handler per connection,
	// and behind hundreds of connections' claims and completions the
	// workers fell behind the deliveries they have to pass on.
	first  chan *groupWrite
	writes chan *groupWrite
	closed chan struct{}
	done   chan struct{}
	stop   sync.Once
}

type groupWrite struct {
	ctx    context.Context
	fn     func(ctx context.Context, q querier) error
	result chan error
}

func newGroupCommit(db *sql.DB) *groupCommit {
	g := &groupCommit{db: db, first: make(chan *groupWrite), writes: make(chan *groupWrite), closed: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// do runs fn in the next group and returns its error or the group's
// commit error. fn's statements run with ctx without its cancellation:
// once its turn has come a write is a few statements on a local file, and
// a statement cut short would not tell whether it was committed.
// A write of a queue worker (first) goes before the others.
func (g *groupCommit) do(ctx context.Context, first bool, fn func(ctx context.Context, q querier) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, result: make(chan error, 1)}
	queue := g.writes
	if first {
		queue = g.first
	}
	select {
	case queue <- w:
	case <-g.closed:
		return &commitError{errClosed}
	case <-ctx.Done():
		return &commitError{ctx.Err()}
	}
	return <-w.result
}

func (g *groupCommit) run() {
	defer close(g.done)
	for {
		var w *groupWrite
		select {
		case w = <-g.first:
		case w = <-g.writes:
		case <-g.closed:
			return
		}
		group := []*groupWrite{w}
		for _, queue := range []chan *groupWrite{g.first, g.writes} {
			for more := true; more && len(group) < maxGroup; {
				select {
				case w := <-queue:
					group = append(group, w)
				default:
					more = false
				}
			}
		}
		g.commit(group)
	}
}

// commit runs group in one transaction and answers each write.
func (g *groupCommit) commit(group []*groupWrite) {
	results := make([]error, len(group))
	answer := func() {
		for i, w := range group {
			w.result <- results[i]
		}
	}
	defer answer()
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = &commitError{err}
			}
		}
	}
	bg := context.Background()
	tx, err := g.db.BeginTx(bg, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	ran := false // a write's statements are in the transaction
	for i, w := range group {
		if err := w.ctx.Err(); err != nil {
			results[i] = &commitError{err}
			continue
		}
		if len(group) == 1 {
			if results[i] = w.fn(context.WithoutCancel(w.ctx), tx); results[i] != nil {
				return
			}
			ran = true
			continue
		}
		if _, err := tx.ExecContext(bg, `SAVEPOINT callspec_write`); err != nil {
			fail(fmt.Errorf("begin a write in the group: %w", err))
			return
		}
		results[i] = w.fn(context.WithoutCancel(w.ctx), tx)
		if results[i] != nil {
			if _, err := tx.ExecContext(bg, `ROLLBACK TO callspec_write`); err != nil {
				fail(fmt.Errorf("roll back a failed write in the group: %w", err))
				return
			}
		} else {
			ran = true
		}
		if _, err := tx.ExecContext(bg, `RELEASE callspec_write`); err != nil {
			fail(fmt.Errorf("end a write in the group: %w", err))
			return
		}
	}
	if !ran {
		return
	}
	if err := tx.Commit(); err != nil {
		fail(err)
	}
}

// close stops taking writes and waits for the group under way.
func (g *groupCommit) close() {
	g.stop.Do(func() { close(g.closed) })
	<-g.done
}
