package handler_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/callspec/callspec/internal/tcpproxy"
)

// The real servers the fault tests use; .ci/run sets both.
const (
	postgresEnv = "CALLSPEC_TEST_POSTGRES" // postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	redisEnv    = "CALLSPEC_TEST_REDIS"    // redis://127.0.0.1:6379/0
)

// quietRedis drops go-redis's own log lines: the fault tests refuse its
// connections on purpose, and it would print every failed dial.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(quietRedis{}) }

// realStore is a fresh place in a shared server: a schema of its own in
// PostgreSQL, a key prefix of its own in Redis, removed after the test.
type realStore struct {
	name string
	// dsn opens the store directly.
	dsn *url.URL
}

// through returns the store's DSN with its host replaced by addr (a
// proxy in front of the server).
func (s realStore) through(addr string) string {
	u := *s.dsn
	u.Host = addr
	return u.String()
}

// realStores lists PostgreSQL and Redis, each skipping its subtest when its
// variable is unset.
var realStores = []struct {
	name  string
	fresh func(t *testing.T) realStore
}{{"postgres", freshPostgres}, {"redis", freshRedis}}

func parseEnv(t *testing.T, name, example string) *url.URL {
	t.Helper()
	raw := os.Getenv(name)
	if raw == "" {
		t.Skipf("%s is not set; set it to a server such as %s to run this test against it", name, example)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s does not parse as a URL: %v", name, err)
	}
	return u
}

func freshPostgres(t *testing.T) realStore {
	t.Helper()
	base := parseEnv(t, postgresEnv, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	schema := "callspec_fault_" + strings.ToLower(rand.Text())
	exec := func(stmt string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base.String())
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, stmt)
		return err
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create a test schema in %s: %v", postgresEnv, err)
	}
	t.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop the test schema %s: %v", schema, err)
		}
	})
	u := *base
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return realStore{name: "postgres", dsn: &u}
}

func freshRedis(t *testing.T) realStore {
	t.Helper()
	base := parseEnv(t, redisEnv, "redis://127.0.0.1:6379/0")
	prefix := "callspec:fault:" + strings.ToLower(rand.Text()) + ":"
	t.Cleanup(func() {
		opts, err := redis.ParseURL(base.String())
		if err != nil {
			t.Errorf("%s: %v", redisEnv, err)
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
			t.Errorf("delete the test keys under %s: %v", prefix, err)
		}
	})
	u := *base
	q := u.Query()
	q.Set("key_prefix", prefix)
	u.RawQuery = q.Encode()
	return realStore{name: "redis", dsn: &u}
}

// proxyTo starts a fault proxy in front of s's server.
func proxyTo(t *testing.T, s realStore) *tcpproxy.Proxy {
	t.Helper()
	p, err := tcpproxy.Start(s.dsn.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
