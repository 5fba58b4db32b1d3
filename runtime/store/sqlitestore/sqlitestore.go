// Package sqlitestore is the store in a SQLite file (modernc.org/sqlite,
// pure Go, no cgo): the embedded default, store.DefaultDSN.
package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go, no cgo)

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/sqlstore"
)

// busyTimeoutMS is how long a writer waits for another process's write
// transaction before failing with SQLITE_BUSY.
const busyTimeoutMS = 10000

// readers is the size of the pool of reading connections: the machines
// callspec serve runs on have a few cores, and a read holds one only for
// an index lookup.
const readers = 4

// Open opens (creating if needed) the SQLite file dsn names,
// sqlite:path/to/file.db; an empty dsn means store.DefaultDSN.
//
// The file is in WAL mode so readers do not block the writer, with
// synchronous=FULL so a committed claim or outbox message survives a power
// loss: the handler acknowledges a delivery only after Complete commits.
// Every transaction starts with BEGIN IMMEDIATE, taking the write lock up
// front, so two processes sharing the file cannot both read-then-write the
// same claim; busy_timeout makes the loser wait instead of failing. Within
// a process one connection serialises the writes, which is what SQLite
// would do to writers anyway; the reads (a claim's first look, stats)
// go through a pool of query_only connections, which WAL lets run beside
// the writer (sqlstore.OpenPools).
func Open(dsn string, opts ...store.Option) (store.Store, error) {
	if dsn == "" {
		dsn = store.DefaultDSN
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return nil, fmt.Errorf("the store %s is not a SQLite file: use sqlite:FILE, such as %s", store.RedactDSN(dsn), store.DefaultDSN)
	}
	if path == "" {
		return nil, fmt.Errorf("the store sqlite: names no file; use sqlite:callspec.db or another path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("the store %s has parameters ('?' or '#' after the path); remove them: callspec sets the connection parameters itself", store.RedactDSN(dsn))
	}
	params := url.Values{}
	params.Set("_txlock", "immediate")
	params.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", "FULL")
	db, err := sql.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("open the SQLite store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	// The readers connect on first use, after Open has created the file
	// in WAL mode and migrated it.
	rparams := url.Values{}
	rparams.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	rparams.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", path+"?"+rparams.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open the SQLite store %s: %w", path, err)
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	// Concurrent writes are committed together, one fsync for all of
	// them (sqlstore.Dialect.OneWriter).
	dialect := sqlstore.Dialect{Name: "sqlite", Blob: "BLOB", OneWriter: true}
	if path == ":memory:" {
		// Each connection would open a database of its own, so the reads
		// share the writer's one connection, which a group commit would
		// hold: a database in memory (tests) writes one caller at a time.
		read.Close()
		read = db
		dialect.OneWriter = false
	}
	s, err := sqlstore.OpenPools(context.Background(), db, read, dialect, nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("open the SQLite store %s: %w", path, err)
	}
	return s, nil
}
