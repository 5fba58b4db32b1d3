package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/pgstore"
	"github.com/callspec/callspec/runtime/store/redisstore"
	"github.com/callspec/callspec/runtime/store/sqlitestore"
)

// Environment variables that point the tests at real servers. .ci/run sets
// them; without them the PostgreSQL and Redis tests are skipped.
const (
	PostgresEnv = "CALLSPEC_TEST_POSTGRES" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	RedisEnv    = "CALLSPEC_TEST_REDIS"    // e.g. redis://127.0.0.1:6379/0
)

// Opener opens a store at one location. Calling it twice gives two handles
// over the same data, as two handler replicas (or a restarted process)
// would have.
type Opener func(opts ...store.Option) (store.Store, error)

// Backend is a store implementation under test.
type Backend struct {
	Name string
	// Durable is true when data outlives Close and is shared by every
	// handle opened at the same location.
	Durable bool
	// Fresh prepares a new, empty location for one test (a file, a schema,
	// a key prefix), arranges its removal with tb.Cleanup, and returns how
	// to open a store there. It skips tb when the backend's server is not
	// configured.
	Fresh func(tb testing.TB) Opener
	// Unavailable says why the backend cannot be tested here, or "".
	Unavailable func() string
}

func envUnavailable(name, example, what string) func() string {
	return func() string {
		if os.Getenv(name) != "" {
			return ""
		}
		return fmt.Sprintf("%s is not set; set it to a %s URL such as %s to run the %s store tests", name, what, example, what)
	}
}

var (
	postgresUnavailable = envUnavailable(PostgresEnv, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL")
	redisUnavailable    = envUnavailable(RedisEnv, "redis://127.0.0.1:6379/0", "Redis")
)

// Backends lists the four implementations; PostgreSQL and Redis skip the
// tests that use them unless PostgresEnv and RedisEnv are set.
func Backends() []Backend { return []Backend{Memory(), SQLite(), Postgres(), Redis()} }

// Memory is the in-process store.
func Memory() Backend {
	return Backend{Name: "memory", Fresh: func(tb testing.TB) Opener {
		return func(opts ...store.Option) (store.Store, error) { return store.OpenMemory(opts...), nil }
	}}
}

// SQLite is a store in a new file under tb.TempDir.
func SQLite() Backend {
	return Backend{Name: "sqlite", Durable: true, Fresh: func(tb testing.TB) Opener {
		dsn := "sqlite:" + filepath.Join(tb.TempDir(), "callspec.db")
		return func(opts ...store.Option) (store.Store, error) { return sqlitestore.Open(dsn, opts...) }
	}}
}

// Postgres is a store in a new schema of the database PostgresEnv names,
// dropped after the test, so parallel tests and runs never collide.
func Postgres() Backend {
	return Backend{Name: "postgres", Durable: true, Unavailable: postgresUnavailable, Fresh: func(tb testing.TB) Opener {
		dsn := PostgresDSN(tb)
		return func(opts ...store.Option) (store.Store, error) { return pgstore.Open(dsn, opts...) }
	}}
}

// PostgresDSN creates a new schema in the database PostgresEnv names,
// drops it when tb ends, and returns the DSN of a store in it. It skips
// tb when PostgresEnv is not set.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	if why := postgresUnavailable(); why != "" {
		tb.Skip(why)
	}
	base := os.Getenv(PostgresEnv)
	schema := "callspec_test_" + strings.ToLower(rand.Text())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create the test schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("connect to drop the test schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop the test schema %s: %v", schema, err)
		}
	})
	dsn, err := withQuery(base, "search_path", schema)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	return dsn
}

// Redis is a store under a new key prefix in the database RedisEnv names;
// its keys are deleted after the test.
func Redis() Backend {
	return Backend{Name: "redis", Durable: true, Unavailable: redisUnavailable, Fresh: func(tb testing.TB) Opener {
		if why := redisUnavailable(); why != "" {
			tb.Skip(why)
		}
		base := os.Getenv(RedisEnv)
		prefix := "callspec:test:" + strings.ToLower(rand.Text()) + ":"
		tb.Cleanup(func() {
			opts, err := redis.ParseURL(base)
			if err != nil {
				tb.Errorf("%s: %v", RedisEnv, err)
				return
			}
			client := redis.NewClient(opts)
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
			for iter.Next(ctx) {
				client.Del(ctx, iter.Val())
			}
			if err := iter.Err(); err != nil {
				tb.Errorf("delete the test keys under %s: %v", prefix, err)
			}
		})
		dsn, err := withQuery(base, "key_prefix", prefix)
		if err != nil {
			tb.Fatalf("%s: %v", RedisEnv, err)
		}
		return func(opts ...store.Option) (store.Store, error) { return redisstore.Open(dsn, opts...) }
	}}
}

func withQuery(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("the URL does not parse: %w", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Clock is a clock tests move by hand; it is safe for concurrent use.
type Clock struct{ ns atomic.Int64 }

// NewClock returns a clock showing start.
func NewClock(start time.Time) *Clock {
	c := &Clock{}
	c.ns.Store(start.UnixNano())
	return c
}

// Now is the clock's time, in UTC.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// MustOpen opens a store with open and closes it when tb ends.
func MustOpen(tb testing.TB, open Opener, opts ...store.Option) store.Store {
	tb.Helper()
	s, err := open(opts...)
	if err != nil {
		tb.Fatalf("open the store: %v", err)
	}
	// A test may close the store itself (to reopen it); a second Close
	// may then fail, which says nothing about the store.
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
