package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// Bench measures the handler's store path on b: claim a new key and
// complete it (with and without a forward), answer a duplicate, and claim
// and complete from many goroutines at once, in two writes and, on a
// store.ClaimCompleter, in one (the "OneWrite" rows).
func Bench(b *testing.B, backend Backend) {
	if backend.Unavailable != nil {
		if why := backend.Unavailable(); why != "" {
			b.Skip(why)
		}
	}
	result := store.Result{Status: 200, Body: []byte(`{"status":"accepted","event":"call_app.completed"}`)}
	body := []byte(`{"event":"call_app.completed","workflow_id":"maintenance_report_intake","call":{"id":"call-1","provider":"retell","status":"completed","duration_s":94},"fields":{"issue_type":"leak","location":"kitchen sink","urgency":"routine"},"next_action":"create_work_order"}`)
	var run atomic.Int64 // keys stay distinct across b.N rounds on one location
	claimComplete := func(b *testing.B, s store.Store, forward, oneWrite bool) {
		prefix := fmt.Sprintf("bench-%d-", run.Add(1))
		ctx := b.Context()
		var i atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				key := prefix + fmt.Sprint(i.Add(1))
				var m *store.Message
				if forward {
					m = &store.Message{ID: store.MessageID("bench", key), WorkflowID: "bench", URL: "https://crm.example.com/hook", SecretEnv: "CRM_WEBHOOK_SECRET", Body: body}
				}
				if oneWrite {
					if c, err := s.(store.ClaimCompleter).ClaimComplete(ctx, key, 30*time.Second, result, m); err != nil || c.Outcome != store.Acquired {
						b.Errorf("ClaimComplete(%q) = %v, %v", key, c.Outcome, err)
						return
					}
					continue
				}
				c, err := s.Claim(ctx, key, 30*time.Second)
				if err != nil || c.Outcome != store.Acquired {
					b.Errorf("Claim(%q) = %v, %v", key, c.Outcome, err)
					return
				}
				if err := s.Complete(ctx, c, result, m); err != nil {
					b.Errorf("Complete(%q): %v", key, err)
					return
				}
			}
		})
	}
	for _, r := range []struct {
		name        string
		parallelism int
		forward     bool
	}{{"ClaimComplete", 1, false}, {"ClaimCompleteForward", 1, true}, {"ClaimCompleteParallel", 8, false}} {
		for _, oneWrite := range []bool{false, true} {
			name := r.name
			if oneWrite {
				name += "OneWrite"
			}
			b.Run(name, func(b *testing.B) {
				s := MustOpen(b, backend.Fresh(b))
				if _, ok := s.(store.ClaimCompleter); oneWrite && !ok {
					b.Skip("this store claims and completes in two writes (it is no store.ClaimCompleter)")
				}
				b.SetParallelism(r.parallelism)
				b.ReportAllocs()
				claimComplete(b, s, r.forward, oneWrite)
			})
		}
	}
	b.Run("DuplicateClaim", func(b *testing.B) {
		s := MustOpen(b, backend.Fresh(b))
		c, err := s.Claim(b.Context(), "dup", 30*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Complete(b.Context(), c, result, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if c, err := s.Claim(b.Context(), "dup", 30*time.Second); err != nil || c.Outcome != store.Done {
				b.Fatalf("Claim = %v, %v", c.Outcome, err)
			}
		}
	})
	b.Run("LeaseDueBacklog", func(b *testing.B) { benchLeaseDueBacklog(b, backend) })
}

// backlog is how many messages wait for a later retry while the worker
// leases the few that are due.
const backlog = 5000

// benchLeaseDueBacklog measures one worker cycle (enqueue a due message,
// lease it, mark it delivered) while a backlog of messages waits for a
// retry an hour away: the cost of finding due messages must not grow with
// the backlog.
func benchLeaseDueBacklog(b *testing.B, backend Backend) {
	s := MustOpen(b, backend.Fresh(b))
	ctx := b.Context()
	body := []byte(`{"event":"call_app.completed"}`)
	enqueue := func(key string, at time.Time) {
		c, err := s.Claim(ctx, key, 30*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		m := &store.Message{ID: store.MessageID("bench", key), WorkflowID: "bench", URL: "https://crm.example.com/hook", SecretEnv: "CRM_WEBHOOK_SECRET", Body: body, NextAttemptAt: at}
		if err := s.Complete(ctx, c, store.Result{Status: 200}, m); err != nil {
			b.Fatal(err)
		}
	}
	later := time.Now().Add(time.Hour)
	for i := range backlog {
		enqueue(fmt.Sprintf("backlog-%d", i), later)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		enqueue(fmt.Sprintf("due-%d", i), time.Time{})
		ms, err := s.LeaseDue(ctx, store.Forward, 1, time.Minute)
		if err != nil || len(ms) != 1 {
			b.Fatalf("LeaseDue = %d, %v", len(ms), err)
		}
		if err := s.MarkDelivered(ctx, ms[0]); err != nil {
			b.Fatal(err)
		}
	}
}
