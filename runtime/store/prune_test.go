package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storetest"
)

// records sends every log record to a channel.
type records chan slog.Record

func (r records) Enabled(context.Context, slog.Level) bool        { return true }
func (r records) Handle(_ context.Context, rec slog.Record) error { r <- rec; return nil }
func (r records) WithAttrs([]slog.Attr) slog.Handler              { return r }
func (r records) WithGroup(string) slog.Handler                   { return r }

// TestPrunerPrunesWhenItStarts: a Pruner prunes at once, then every
// interval, and logs what it deleted; a retention under MinRetention is
// refused before anything is deleted.
func TestPrunerPrunesWhenItStarts(t *testing.T) {
	clock := storetest.NewClock(storetest.Start)
	st := store.OpenMemory(store.WithClock(clock.Now))
	defer st.Close()
	c, err := st.Claim(t.Context(), "w/call-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Complete(t.Context(), c, store.Result{Status: 200}, nil); err != nil {
		t.Fatal(err)
	}
	clock.Advance(store.DefaultRetention + time.Minute)

	if err := (store.Pruner{Store: st, Retention: time.Hour}).Run(t.Context()); err == nil {
		t.Fatal("a Pruner with a retention of 1h ran")
	}
	logs := make(records, 10)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- store.Pruner{Store: st, Logger: slog.New(logs)}.Run(ctx) }()
	rec := <-logs
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rec.Message != "pruned the store" {
		t.Fatalf("the Pruner logged %q", rec.Message)
	}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "claims" && a.Value.Int64() != 1 {
			t.Errorf("the Pruner logged %v claims, want 1", a.Value)
		}
		return true
	})
	if c, err := st.Claim(t.Context(), "w/call-1", time.Minute); err != nil || c.Outcome != store.Acquired {
		t.Errorf("after the prune, Claim = %v, %v; want a new claim", c.Outcome, err)
	}
}
