package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storetest"
)

func TestMemory(t *testing.T)   { storetest.Run(t, storetest.Memory()) }
func TestSQLite(t *testing.T)   { storetest.Run(t, storetest.SQLite()) }
func TestPostgres(t *testing.T) { storetest.Run(t, storetest.Postgres()) }
func TestRedis(t *testing.T)    { storetest.Run(t, storetest.Redis()) }

func BenchmarkMemory(b *testing.B)   { storetest.Bench(b, storetest.Memory()) }
func BenchmarkSQLite(b *testing.B)   { storetest.Bench(b, storetest.SQLite()) }
func BenchmarkPostgres(b *testing.B) { storetest.Bench(b, storetest.Postgres()) }
func BenchmarkRedis(b *testing.B)    { storetest.Bench(b, storetest.Redis()) }

func TestOpenRefusesUnknownStores(t *testing.T) {
	for _, dsn := range []string{
		"mysql://root:hunter2@db/x",
		"mysql://db/x?password=hunter2",
		"host=db user=callspec password=hunter2",
		"memory:x",
		"sqlite:",
		"sqlite:a.db?mode=ro",
		"callspec.db",
		"postgres://callspec:hunter2@127.0.0.1:1/x?connect_timeout=1",
		"postgres://127.0.0.1:1/x?password=hunter2&connect_timeout=1",
		"redis://:hunter2@127.0.0.1:1/0?dial_timeout=1s",
	} {
		s, err := store.Open(dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		t.Logf("Open(%q): %v", dsn, err)
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) quoted the password: %v", dsn, err)
		}
	}
}

func TestMessageID(t *testing.T) {
	a := store.MessageID("maintenance_report_intake", "call-1")
	if a != store.MessageID("maintenance_report_intake", "call-1") {
		t.Error("MessageID is not stable")
	}
	if len(a) != 36 || !strings.HasPrefix(a, "msg_") || strings.Contains(a, ".") {
		t.Errorf("MessageID = %q, want msg_ and 32 hex digits", a)
	}
	for _, other := range []string{
		store.MessageID("maintenance_report_intake", "call-2"),
		store.MessageID("human_handoff", "call-1"),
		// The separator keeps a shifted boundary from colliding.
		store.MessageID("maintenance_report_intak", "ecall-1"),
	} {
		if other == a {
			t.Errorf("MessageID collides: %q", other)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		left time.Duration
		want time.Duration
	}{
		{-time.Minute, time.Second},
		{0, time.Second},
		{time.Millisecond, time.Second},
		{time.Second, time.Second},
		{time.Second + time.Millisecond, 2 * time.Second},
		{29*time.Second + 500*time.Millisecond, 30 * time.Second},
		{30 * time.Second, 30 * time.Second},
	} {
		c := store.Claim{Outcome: store.Busy, LeaseUntil: now.Add(tc.left)}
		if got := c.RetryAfter(now); got != tc.want {
			t.Errorf("RetryAfter with %v left = %v, want %v", tc.left, got, tc.want)
		}
	}
}
