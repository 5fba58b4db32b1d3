package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresConnectTimeout bounds opening the pool and migrating the schema.
const postgresConnectTimeout = 30 * time.Second

// openPostgres opens a pgx connection pool for dsn and serves the store
// through database/sql on top of it, so that PostgreSQL and SQLite share one
// implementation of every statement.
//
// Many handler replicas may share the database: claims are conditional
// upserts on the key's row, and LeaseDue picks rows with SELECT … FOR
// UPDATE SKIP LOCKED, so two replicas never lease the same message. The
// tables are created in the connection's search_path; add
// search_path=SCHEMA to the DSN to keep them out of "public".
func openPostgres(dsn string, o options) (Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), postgresConnectTimeout)
	defer cancel()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open the PostgreSQL store %s: %w", RedactDSN(dsn), err)
	}
	s := &sqlStore{
		db: stdlib.OpenDBFromPool(pool),
		dialect: dialect{
			name:     "postgres",
			blob:     "BYTEA",
			lockRows: " FOR UPDATE SKIP LOCKED",
			// Any constant works; this one spells "callspec" in ASCII.
			migrationLock: `SELECT pg_advisory_xact_lock(7161124095544812899)`,
		},
		now:         o.now,
		closeDriver: pool.Close,
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open the PostgreSQL store %s: %w", RedactDSN(dsn), err)
	}
	return s, nil
}
