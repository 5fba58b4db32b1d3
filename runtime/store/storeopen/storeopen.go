// Package storeopen opens a store of any backend by its DSN, for binaries
// that want every backend (callspec serve, the generated stub). It links
// every driver; a binary that opens one backend imports that backend's
// package instead (sqlitestore, pgstore, redisstore).
package storeopen

import (
	"fmt"
	"strings"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/pgstore"
	"github.com/callspec/callspec/runtime/store/redisstore"
	"github.com/callspec/callspec/runtime/store/sqlitestore"
)

// Open opens the store dsn names, creating its schema when needed (opening
// is idempotent and safe for several processes at once):
//
//	memory:                      in this process only (tests, benchmarks, callspec test)
//	sqlite:path/to/file.db       a SQLite file (the default, store.DefaultDSN)
//	postgres://user@host/db?…    PostgreSQL, safe across many handler replicas
//	redis://host:6379/0?…        Redis; key_prefix=… changes the "callspec:" key prefix
//
// An empty dsn means store.DefaultDSN. No error it returns quotes a secret
// of dsn.
func Open(dsn string, opts ...store.Option) (store.Store, error) {
	switch {
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:"):
		return sqlitestore.Open(dsn, opts...)
	case dsn == "memory:":
		return store.OpenMemory(opts...), nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return pgstore.Open(dsn, opts...)
	case strings.HasPrefix(dsn, "redis://"), strings.HasPrefix(dsn, "rediss://"):
		return redisstore.Open(dsn, opts...)
	}
	return nil, fmt.Errorf("the store %s is not one callspec knows: use memory:, sqlite:FILE, postgres://… or redis://…", store.RedactDSN(dsn))
}
