package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storetest"
)

func TestMemory(t *testing.T) { storetest.Run(t, storetest.Memory()) }

func BenchmarkMemory(b *testing.B) { storetest.Bench(b, storetest.Memory()) }

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
