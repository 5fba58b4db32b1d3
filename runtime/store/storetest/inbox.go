package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// The inbox cases: the second queue kind (Service) beside the outbox, the
// order of a group, and what `callspec events` reads and changes.
func init() {
	cases = append(cases, []struct {
		name    string
		durable bool
		run     func(t *testing.T, h *harness)
	}{
		{name: "InboxAndOutboxAreSeparateQueues", run: testKindsSeparate},
		{name: "GroupIsLeasedInOrder", run: testGroupOrder},
		{name: "DeadGroupHeadLetsTheNextThrough", run: testGroupDeadHead},
		{name: "MessagesListsMetadataOnly", run: testMessagesList},
		{name: "RequeueRevivesADeadLetter", run: testRequeue},
		{name: "PurgeDeadDeletesOldDeadLetters", run: testPurgeDead},
		{name: "TwoReplicasKeepAGroupInOrder", durable: true, run: testTwoReplicasGroup},
	}...)
}

// inboxEntry is the inbox entry of delivery key of call group.
func inboxEntry(key, group string, maxAttempts int) *store.Message {
	return &store.Message{
		ID:          store.InboxID(workflow, key),
		Kind:        store.Service,
		WorkflowID:  workflow,
		Group:       group,
		Body:        fmt.Appendf(nil, `{"event":"call_app.completed","idempotency_key":%q}`, key),
		Summary:     `{"event":"call_app.completed","platform":"retell"}`,
		MaxAttempts: maxAttempts,
	}
}

// receive claims and completes delivery key with an inbox entry of group
// and, when forward, a forward too.
func receive(t *testing.T, h *harness, s store.Store, key, group string, maxAttempts int, forward bool) {
	t.Helper()
	c := claim(t, h, s, key, store.Acquired)
	msgs := []*store.Message{inboxEntry(key, group, maxAttempts)}
	if forward {
		msgs = append(msgs, message(key, 0))
	}
	if err := s.Complete(h.ctx, c, store.Result{Status: 200}, msgs...); err != nil {
		t.Fatalf("Complete(%q) with an inbox entry: %v", key, err)
	}
}

func leaseInbox(t *testing.T, h *harness, s store.Store, n int) []store.Message {
	t.Helper()
	ms, err := s.LeaseDue(h.ctx, store.Service, n, sendLease)
	if err != nil {
		t.Fatalf("LeaseDue(Service, %d): %v", n, err)
	}
	return ms
}

func ids(ms []store.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func testKindsSeparate(t *testing.T, h *harness) {
	s := h.store(t)
	receive(t, h, s, "call-1", "", 0, true)
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}, Inbox: store.Counts{Pending: 1}})
	in := leaseInbox(t, h, s, 10)
	if len(in) != 1 || in[0].ID != store.InboxID(workflow, "call-1") || in[0].Kind != store.Service || in[0].Group != "" {
		t.Fatalf("LeaseDue(Service) = %+v, want the inbox entry of call-1 only", in)
	}
	if string(in[0].Body) != `{"event":"call_app.completed","idempotency_key":"call-1"}` {
		t.Errorf("inbox body = %q", in[0].Body)
	}
	out := leaseOne(t, h, s)
	if out.ID != store.MessageID(workflow, "call-1") || out.Kind != store.Forward {
		t.Fatalf("LeaseDue(Forward) = %+v, want the forward of call-1", out)
	}
	if err := s.MarkDelivered(h.ctx, in[0]); err != nil {
		t.Fatalf("MarkDelivered(inbox): %v", err)
	}
	wantStats(t, h, s, store.Stats{Counts: store.Counts{Pending: 1}, Inbox: store.Counts{Delivered: 1}})
	if _, err := s.LeaseDue(h.ctx, "mail", 1, sendLease); err == nil {
		t.Error("LeaseDue of an unknown queue succeeded")
	}
}

func testGroupOrder(t *testing.T, h *harness) {
	s := h.store(t)
	// Three events of one call, one of another, all stored in the same
	// millisecond: the group is ordered by storing, not by time or id.
	for _, key := range []string{"call-1/started", "call-1/analyzed", "call-2/ended", "call-1/ended"} {
		receive(t, h, s, key, workflow+"/"+key[:6], 0, false)
	}
	first := leaseInbox(t, h, s, 10)
	want := []string{store.InboxID(workflow, "call-1/started"), store.InboxID(workflow, "call-2/ended")}
	if got := ids(first); !sameSet(got, want) {
		t.Fatalf("first lease = %v, want the first event of each call %v", got, want)
	}
	// A retry keeps the later events of call-1 waiting.
	started := first[slices.IndexFunc(first, func(m store.Message) bool { return m.ID == want[0] })]
	if err := s.MarkRetry(h.ctx, started, h.clock.Now(), "the service answered 503"); err != nil {
		t.Fatalf("MarkRetry: %v", err)
	}
	if got := ids(leaseInbox(t, h, s, 10)); !slices.Equal(got, want[:1]) {
		t.Fatalf("after a retry, lease = %v, want the retried %v only", got, want[:1])
	}
	wantStats(t, h, s, store.Stats{Inbox: store.Counts{Pending: 4}})
	h.clock.Advance(sendLease)
	for _, key := range []string{"call-1/started", "call-1/analyzed", "call-1/ended"} {
		ms := leaseInbox(t, h, s, 10)
		i := slices.IndexFunc(ms, func(m store.Message) bool { return m.Group == workflow+"/call-1" })
		if i < 0 || ms[i].ID != store.InboxID(workflow, key) {
			t.Fatalf("lease = %v, want %s next of call-1", ids(ms), key)
		}
		if err := s.MarkDelivered(h.ctx, ms[i]); err != nil {
			t.Fatalf("MarkDelivered(%s): %v", key, err)
		}
		h.clock.Advance(sendLease)
	}
}

func testGroupDeadHead(t *testing.T, h *harness) {
	s := h.store(t)
	receive(t, h, s, "call-1/a", workflow+"/call-1", 1, false)
	receive(t, h, s, "call-1/b", workflow+"/call-1", 1, false)
	m := leaseInbox(t, h, s, 10)
	if len(m) != 1 {
		t.Fatalf("lease = %v, want the head only", ids(m))
	}
	if err := s.MarkDead(h.ctx, m[0], "gave up after 1 attempt"); err != nil {
		t.Fatalf("MarkDead: %v", err)
	}
	next := leaseInbox(t, h, s, 10)
	if got := ids(next); !slices.Equal(got, []string{store.InboxID(workflow, "call-1/b")}) {
		t.Fatalf("after the head died, lease = %v, want call-1/b", got)
	}
	// The abandoned final attempt of b dead-letters it as well.
	h.clock.Advance(sendLease)
	if ms := leaseInbox(t, h, s, 10); len(ms) != 0 {
		t.Fatalf("an exhausted entry was leased again: %v", ids(ms))
	}
	wantStats(t, h, s, store.Stats{Inbox: store.Counts{Dead: 2}})
}

func testMessagesList(t *testing.T, h *harness) {
	s := h.store(t)
	receive(t, h, s, "call-1", "", 1, true)
	h.clock.Advance(time.Second)
	receive(t, h, s, "call-2", "", 1, false)
	m := leaseInbox(t, h, s, 1)[0]
	if err := s.MarkDead(h.ctx, m, "gave up after 1 attempt; the last: the service answered 500"); err != nil {
		t.Fatalf("MarkDead: %v", err)
	}
	all, err := s.Messages(h.ctx, store.Filter{})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	want := []string{store.InboxID(workflow, "call-1"), store.MessageID(workflow, "call-1"), store.InboxID(workflow, "call-2")}
	if got := ids(all); !sameSet(got, want) || len(got) != 3 {
		t.Fatalf("Messages = %v, want %v", got, want)
	}
	for _, m := range all {
		if len(m.Body) != 0 {
			t.Errorf("Messages returned the body of %s; it must not", m.ID)
		}
	}
	dead, err := s.Messages(h.ctx, store.Filter{Kind: store.Service, State: store.Dead, WorkflowID: workflow})
	if err != nil {
		t.Fatalf("Messages(dead): %v", err)
	}
	if len(dead) != 1 || dead[0].ID != m.ID || dead[0].LastError == "" || dead[0].Attempts != 1 ||
		dead[0].Summary != `{"event":"call_app.completed","platform":"retell"}` {
		t.Fatalf("Messages(dead inbox) = %+v, want %s with its error and summary", dead, m.ID)
	}
	recent, err := s.Messages(h.ctx, store.Filter{Since: h.clock.Now()})
	if err != nil || !slices.Equal(ids(recent), []string{store.InboxID(workflow, "call-2")}) {
		t.Fatalf("Messages(since the second delivery) = %v, %v; want call-2's entry", ids(recent), err)
	}
	none, err := s.Messages(h.ctx, store.Filter{WorkflowID: "other_workflow"})
	if err != nil || len(none) != 0 {
		t.Fatalf("Messages(other workflow) = %v, %v; want none", ids(none), err)
	}
}

func testRequeue(t *testing.T, h *harness) {
	s := h.store(t)
	receive(t, h, s, "call-1", workflow+"/call-1", 1, false)
	m := leaseInbox(t, h, s, 1)[0]
	if err := s.Requeue(h.ctx, m.ID); !errors.Is(err, store.ErrNotDead) {
		t.Fatalf("Requeue of a pending entry: %v, want ErrNotDead", err)
	}
	if err := s.MarkDead(h.ctx, m, "gave up after 1 attempt"); err != nil {
		t.Fatalf("MarkDead: %v", err)
	}
	h.clock.Advance(time.Hour)
	if err := s.Requeue(h.ctx, m.ID); err != nil {
		t.Fatalf("Requeue: %v", err)
	}
	wantStats(t, h, s, store.Stats{Inbox: store.Counts{Pending: 1}})
	again := leaseInbox(t, h, s, 10)
	if len(again) != 1 || again[0].ID != m.ID || again[0].Attempts != 1 || string(again[0].Body) != string(inboxEntry("call-1", "", 0).Body) {
		t.Fatalf("after Requeue, lease = %+v, want %s at attempt 1 with its body", again, m.ID)
	}
	if err := s.Requeue(h.ctx, "evt_unknown"); !errors.Is(err, store.ErrNotDead) {
		t.Fatalf("Requeue of an unknown id: %v, want ErrNotDead", err)
	}
}

func testPurgeDead(t *testing.T, h *harness) {
	s := h.store(t)
	for _, key := range []string{"call-old", "call-new"} {
		receive(t, h, s, key, "", 1, false)
		m := leaseInbox(t, h, s, 1)[0]
		if err := s.MarkDead(h.ctx, m, "gave up after 1 attempt"); err != nil {
			t.Fatalf("MarkDead: %v", err)
		}
		h.clock.Advance(48 * time.Hour)
	}
	receive(t, h, s, "call-pending", "", 1, false)
	n, err := s.PurgeDead(h.ctx, store.Filter{}, h.clock.Now().Add(-72*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PurgeDead(older than 3 days) = %d, %v; want 1", n, err)
	}
	rest, err := s.Messages(h.ctx, store.Filter{})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	want := []string{store.InboxID(workflow, "call-new"), store.InboxID(workflow, "call-pending")}
	if got := ids(rest); !slices.Equal(got, want) {
		t.Fatalf("after PurgeDead, Messages = %v, want %v", got, want)
	}
	if n, err := s.PurgeDead(h.ctx, store.Filter{WorkflowID: "other_workflow"}, h.clock.Now()); err != nil || n != 0 {
		t.Fatalf("PurgeDead(other workflow) = %d, %v; want 0", n, err)
	}
}

func testTwoReplicasGroup(t *testing.T, h *harness) {
	a, b := h.store(t), h.store(t)
	replicas := []store.Store{a, b}
	const calls, events = 10, 5
	for e := range events {
		for c := range calls {
			receive(t, h, replicas[(c+e)%2], fmt.Sprintf("call-%d/%d", c, e), fmt.Sprintf("%s/call-%d", workflow, c), 0, false)
		}
	}
	// Both replicas lease in turns; each lease may hold only the next
	// event of each call, and no event is leased twice.
	next := make([]int, calls)
	for round := 0; round < events*2; round++ {
		ms := leaseInbox(t, h, replicas[round%2], 100)
		for _, m := range ms {
			var c, e int
			if _, err := fmt.Sscanf(string(m.Body), `{"event":"call_app.completed","idempotency_key":"call-%d/%d"}`, &c, &e); err != nil {
				t.Fatalf("body %q: %v", m.Body, err)
			}
			if e != next[c] {
				t.Fatalf("replica %d leased event %d of call %d, want event %d first", round%2, e, c, next[c])
			}
			next[c]++
			if err := replicas[(round+1)%2].MarkDelivered(h.ctx, m); err != nil {
				t.Fatalf("MarkDelivered: %v", err)
			}
		}
	}
	for c, n := range next {
		if n != events {
			t.Errorf("call %d: %d events delivered, want %d", c, n, events)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
