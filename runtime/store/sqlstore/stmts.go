package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// querier is what a store's statements run on: a pool (each statement
// commits by itself), a transaction, or a statement cache.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// preparer is a pool or a connection that statements can be prepared on.
type preparer interface {
	querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// stmtCache runs statements prepared once on a pool or a connection, so
// that SQLite parses each once per connection instead of once per call:
// modernc.org/sqlite prepares every statement it is given as text, and
// under load its parser was a third of the store's CPU. (pgx caches
// prepared statements itself, so PostgreSQL needs none.) The store's
// statements are a fixed set of texts, so the cache stays small.
type stmtCache struct {
	on    preparer
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(on preparer) *stmtCache {
	return &stmtCache{on: on, stmts: map[string]*sql.Stmt{}}
}

// get returns query prepared, preparing it on first use. A statement
// that fails to prepare is not kept: the error comes back, and the next
// call tries again.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	// Prepared outside the lock: preparing on a pool waits for one of its
	// connections.
	st, err := c.on.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.stmts[query]; ok {
		st.Close()
		return kept, nil
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	clear(c.stmts)
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.get(ctx, query)
	if err != nil {
		// A *sql.Row carries an error only when database/sql makes it: the
		// statement runs as text instead, which reports the same error.
		return c.on.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
