// Package pgstore is the store in PostgreSQL (pgx), safe across many
// handler replicas sharing the database.
package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/sqlstore"
)

// connectTimeout bounds opening the pool and migrating the schema.
const connectTimeout = 30 * time.Second

// dialect is PostgreSQL's part of the SQL both engines share.
var dialect = sqlstore.Dialect{
	Name:     "postgres",
	Blob:     "BYTEA",
	LockRows: " FOR UPDATE SKIP LOCKED",
	// Any constant works; this one spells "callspec" in ASCII.
	MigrationLock: `SELECT pg_advisory_xact_lock(7161124095544812899)`,
}

// Open opens a pgx connection pool for dsn, a postgres:// or
// postgresql:// URL, and serves the store through database/sql on top of
// it, so that PostgreSQL and SQLite share one implementation of every
// statement (sqlstore). No error it returns quotes a secret of dsn.
//
// Many handler replicas may share the database: claims are conditional
// upserts on the key's row, and LeaseDue picks rows with SELECT … FOR
// UPDATE SKIP LOCKED, so two replicas never lease the same message. The
// tables are created in the connection's search_path; add
// search_path=SCHEMA to the DSN to keep them out of "public".
func Open(dsn string, opts ...store.Option) (store.Store, error) {
	return store.OpenURL(dsn, func(dsn string) (store.Store, error) {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open the PostgreSQL store %s: %w", store.RedactDSN(dsn), err)
		}
		s, err := sqlstore.Open(ctx, stdlib.OpenDBFromPool(pool), dialect, pool.Close, opts...)
		if err != nil {
			return nil, fmt.Errorf("open the PostgreSQL store %s: %w", store.RedactDSN(dsn), err)
		}
		return s, nil
	})
}
