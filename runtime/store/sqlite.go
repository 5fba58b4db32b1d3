package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go, no cgo)
)

// sqliteBusyTimeoutMS is how long a writer waits for another process's
// write transaction before failing with SQLITE_BUSY.
const sqliteBusyTimeoutMS = 10000

// openSQLite opens (creating if needed) the SQLite file at path.
//
// The file is in WAL mode so readers do not block the writer, with
// synchronous=FULL so a committed claim or outbox message survives a power
// loss: the handler acknowledges a delivery only after Complete commits.
// Every transaction starts with BEGIN IMMEDIATE, taking the write lock up
// front, so two processes sharing the file cannot both read-then-write the
// same claim; busy_timeout makes the loser wait instead of failing. Within
// a process one connection serialises all statements, which is what SQLite
// would do to writers anyway.
func openSQLite(path string, o options) (Store, error) {
	if path == "" {
		return nil, fmt.Errorf("the store sqlite: names no file; use sqlite:callspec.db or another path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("the store %s has parameters ('?' or '#' after the path); remove them: callspec sets the connection parameters itself", RedactDSN("sqlite:"+path))
	}
	params := url.Values{}
	params.Set("_txlock", "immediate")
	params.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeoutMS))
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
	s := &sqlStore{db: db, dialect: dialect{name: "sqlite", blob: "BLOB"}, now: o.now}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open the SQLite store %s: %w", path, err)
	}
	return s, nil
}
