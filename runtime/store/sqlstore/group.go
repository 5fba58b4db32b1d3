package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/callspec/callspec/runtime/store"
)

// maxGroup bounds the callers whose writes one group commit holds: a
// group's callers all wait for its commit, so a larger one adds latency
// to the first while saving little more.
const maxGroup = 64

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
// queued on the writer cost one commit instead of N. Nothing waits to
// gather a group: the writes that arrive while a group commits form the
// next.
//
// The goroutine holds the pool's one connection for the store's lifetime
// and runs BEGIN IMMEDIATE, the writes and COMMIT on it as statements
// prepared once (stmtCache): every write of the store goes through it.
type groupCommit struct {
	conn   *sql.Conn
	stmts  *stmtCache
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

func newGroupCommit(ctx context.Context, db *sql.DB) (*groupCommit, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("take the store's writing connection: %w", err)
	}
	g := &groupCommit{conn: conn, stmts: newStmtCache(conn), writes: make(chan *groupWrite), closed: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g, nil
}

// do runs fn in the next group and returns its error or the group's
// commit error. fn's statements run with ctx without its cancellation:
// once its turn has come a write is a few statements on a local file, and
// a statement cut short would not tell whether it was committed.
func (g *groupCommit) do(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, result: make(chan error, 1)}
	select {
	case g.writes <- w:
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
		case w = <-g.writes:
		case <-g.closed:
			return
		}
		group := []*groupWrite{w}
		for more := true; more && len(group) < maxGroup; {
			select {
			case w := <-g.writes:
				group = append(group, w)
			default:
				more = false
			}
		}
		g.commit(group)
	}
}

// commit runs group in one transaction and answers each write.
//
// It first runs the writes one after another without savepoints: a
// write that succeeds, or finds that it holds no lease (ErrLeaseLost,
// returned before it changed anything), leaves the transaction as its
// own would have. Only when a write fails otherwise, having perhaps
// changed some rows before its failing statement, is the whole group
// rolled back and run again with a savepoint around each write, so that
// the failed write alone is undone. Savepoints cost two statements per
// write, as much as most writes' own statement.
func (g *groupCommit) commit(group []*groupWrite) {
	results := make([]error, len(group))
	if len(group) > 1 && g.run1(group, results, false) {
		g.answer(group, results)
		return
	}
	clear(results)
	g.run1(group, results, true)
	g.answer(group, results)
}

func (g *groupCommit) answer(group []*groupWrite, results []error) {
	for i, w := range group {
		w.result <- results[i]
	}
}

// run1 runs group in one transaction, each write in a savepoint if
// savepoints is set, and fills in results. Without savepoints it gives up,
// rolls back and returns false as soon as a write fails with an error
// other than ErrLeaseLost; it returns true when results are final.
func (g *groupCommit) run1(group []*groupWrite, results []error, savepoints bool) bool {
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = &commitError{err}
			}
		}
	}
	bg := context.Background()
	q := g.stmts
	if _, err := q.ExecContext(bg, `BEGIN IMMEDIATE`); err != nil {
		fail(fmt.Errorf("begin a transaction: %w", err))
		return true
	}
	open := true
	defer func() {
		if open {
			// Whatever failed, the connection must not stay in a
			// transaction; an error here means none was left open.
			q.ExecContext(bg, `ROLLBACK`)
		}
	}()
	ran := false // a write's statements are in the transaction
	for i, w := range group {
		if err := w.ctx.Err(); err != nil {
			results[i] = &commitError{err}
			continue
		}
		if !savepoints || len(group) == 1 {
			results[i] = w.fn(context.WithoutCancel(w.ctx), q)
			switch {
			case results[i] == nil:
				ran = true
			case len(group) == 1:
				return true
			case !errors.Is(results[i], store.ErrLeaseLost):
				return false
			}
			continue
		}
		if _, err := q.ExecContext(bg, `SAVEPOINT callspec_write`); err != nil {
			fail(fmt.Errorf("begin a write in the group: %w", err))
			return true
		}
		results[i] = w.fn(context.WithoutCancel(w.ctx), q)
		if results[i] != nil {
			if _, err := q.ExecContext(bg, `ROLLBACK TO callspec_write`); err != nil {
				fail(fmt.Errorf("roll back a failed write in the group: %w", err))
				return true
			}
		} else {
			ran = true
		}
		if _, err := q.ExecContext(bg, `RELEASE callspec_write`); err != nil {
			fail(fmt.Errorf("end a write in the group: %w", err))
			return true
		}
	}
	if !ran {
		return true
	}
	if _, err := q.ExecContext(bg, `COMMIT`); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return true
	}
	open = false
	return true
}

// close stops taking writes, waits for the group under way and gives
// the connection back.
func (g *groupCommit) close() {
	g.stop.Do(func() {
		close(g.closed)
		<-g.done
		g.stmts.close()
		g.conn.Close()
	})
}
