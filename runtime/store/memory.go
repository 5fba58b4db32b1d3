package store

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// memoryStore keeps everything in maps behind one mutex. It serves tests,
// benchmarks and `callspec test`; nothing survives the process.
type memoryStore struct {
	now func() time.Time

	mu       sync.Mutex
	closed   bool
	claims   map[string]*memoryClaim
	messages map[string]*memoryMessage
	queues   map[Kind]*memoryQueue
	// seq numbers messages in the order they were stored, for groups.
	seq int64
}

type memoryClaim struct {
	done       bool
	token      string
	leaseUntil int64 // ms
	updatedAt  int64 // ms
	attempts   int
	result     Result
}

func newMemory(o options) *memoryStore {
	return &memoryStore{now: o.now, claims: map[string]*memoryClaim{}, messages: map[string]*memoryMessage{},
		queues: map[Kind]*memoryQueue{Forward: newMemoryQueue(), Service: newMemoryQueue()}}
}

func (s *memoryStore) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	if err := CheckClaimArgs(key, lease); err != nil {
		return Claim{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Claim{}, ErrClosed
	}
	got, _ := s.claim(key, lease, s.now())
	return got, nil
}

// claim takes key, with s.mu held: Done, Busy, or Acquired with the
// claim's entry.
func (s *memoryStore) claim(key string, lease time.Duration, now time.Time) (Claim, *memoryClaim) {
	c, ok := s.claims[key]
	switch {
	case ok && c.done:
		return Claim{Key: key, Outcome: Done, Result: copyResult(c.result)}, nil
	case ok && c.leaseUntil > ToMS(now):
		return Claim{Key: key, Outcome: Busy, LeaseUntil: FromMS(c.leaseUntil)}, nil
	case !ok:
		c = &memoryClaim{}
		s.claims[key] = c
	}
	c.token = NewToken()
	c.leaseUntil, c.updatedAt = ToMS(now.Add(lease)), ToMS(now)
	c.attempts++
	return Claim{Key: key, Outcome: Acquired, Token: c.token, Attempt: c.attempts, LeaseUntil: FromMS(c.leaseUntil)}, c
}

func (s *memoryStore) Complete(ctx context.Context, held Claim, result Result, msgs ...*Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ms, err := CheckComplete(held, result, msgs, now)
	if err != nil {
		return err
	}
	if s.closed {
		return ErrClosed
	}
	c, ok := s.claims[held.Key]
	if !ok || c.done || c.token != held.Token {
		return ErrLeaseLost
	}
	s.complete(c, result, ms, now)
	return nil
}

// ClaimComplete is Claim and Complete under one lock (ClaimCompleter).
func (s *memoryStore) ClaimComplete(ctx context.Context, key string, lease time.Duration, result Result, msgs ...*Message) (Claim, error) {
	if err := CheckClaimComplete(key, lease, result); err != nil {
		return Claim{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ms, err := PrepareMessages(msgs, now)
	if err != nil {
		return Claim{}, err
	}
	if s.closed {
		return Claim{}, ErrClosed
	}
	got, c := s.claim(key, lease, now)
	if got.Outcome == Acquired {
		s.complete(c, result, ms, now)
		got.Token = ""
	}
	return got, nil
}

// complete stores the result of the held claim c and enqueues ms, with
// s.mu held.
func (s *memoryStore) complete(c *memoryClaim, result Result, ms []Message, now time.Time) {
	c.done, c.token, c.result, c.updatedAt = true, "", copyResult(result), ToMS(now)
	for _, m := range ms {
		if _, exists := s.messages[m.ID]; !exists {
			s.seq++
			mm := &memoryMessage{Message: m, seq: s.seq}
			s.messages[m.ID] = mm
			s.queue(m.Kind).add(mm)
		}
	}
}

func (s *memoryStore) Release(ctx context.Context, held Claim) error {
	if err := CheckHeld(held); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	c, ok := s.claims[held.Key]
	if !ok || c.done || c.token != held.Token {
		return ErrLeaseLost
	}
	c.token, c.leaseUntil, c.updatedAt = "", 0, ToMS(s.now())
	return nil
}

func (s *memoryStore) LeaseDue(ctx context.Context, kind Kind, n int, lease time.Duration) ([]Message, error) {
	if err := CheckLeaseDueArgs(kind, n, lease); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	now := FromMS(ToMS(s.now()))
	q := s.queue(kind)
	token := NewToken()
	until := FromMS(ToMS(now.Add(lease)))
	var leased []*memoryMessage
	for len(leased) < n && q.due.Len() > 0 && !q.due[0].NextAttemptAt.After(now) {
		m := q.due[0]
		if m.Attempts >= m.MaxAttempts {
			m.State, m.LastError, m.LeaseToken, m.UpdatedAt = Dead, AbandonedFinalAttempt, "", now
			q.finish(m)
			continue
		}
		// Out of the heap while the batch is built, so the loop moves on;
		// back in below, due at the end of the lease.
		heap.Pop(&q.due)
		m.Attempts++
		m.LeaseToken, m.NextAttemptAt, m.UpdatedAt = token, until, now
		leased = append(leased, m)
	}
	out := make([]Message, 0, len(leased))
	for _, m := range leased {
		heap.Push(&q.due, m)
		out = append(out, copyMessage(&m.Message, true))
	}
	return out, nil
}

// leased returns the message m names if m's lease token still holds it.
func (s *memoryStore) leased(m Message) (*memoryMessage, error) {
	if err := CheckLeased(m); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, ErrClosed
	}
	held, ok := s.messages[m.ID]
	if !ok || held.State != Pending || held.LeaseToken != m.LeaseToken {
		return nil, ErrLeaseLost
	}
	return held, nil
}

func (s *memoryStore) MarkDelivered(ctx context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.leased(m)
	if err != nil {
		return err
	}
	held.State, held.LeaseToken, held.UpdatedAt = Delivered, "", FromMS(ToMS(s.now()))
	s.queue(held.Kind).finish(held)
	return nil
}

func (s *memoryStore) MarkRetry(ctx context.Context, m Message, next time.Time, lastError string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.leased(m)
	if err != nil {
		return err
	}
	held.NextAttemptAt, held.LastError, held.LeaseToken, held.UpdatedAt = FromMS(ToMS(next)), lastError, "", FromMS(ToMS(s.now()))
	heap.Fix(&s.queue(held.Kind).due, held.index)
	return nil
}

func (s *memoryStore) MarkDead(ctx context.Context, m Message, lastError string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.leased(m)
	if err != nil {
		return err
	}
	held.State, held.LastError, held.LeaseToken, held.UpdatedAt = Dead, lastError, "", FromMS(ToMS(s.now()))
	s.queue(held.Kind).finish(held)
	return nil
}

func (s *memoryStore) DeadLetters(ctx context.Context, limit int) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []Message
	for _, m := range s.messages {
		if m.State == Dead {
			out = append(out, copyMessage(&m.Message, false))
		}
	}
	slices.SortFunc(out, func(a, b Message) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	if limit = NormLimit(limit); len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *memoryStore) Messages(ctx context.Context, f Filter) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []Message
	for _, m := range s.messages {
		if f.Match(&m.Message) {
			out = append(out, copyMessage(&m.Message, false))
		}
	}
	SortMessages(out)
	if limit := ListLimit(f.Limit); len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *memoryStore) Requeue(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	m, ok := s.messages[id]
	if !ok || m.State != Dead {
		return fmt.Errorf("requeue %s: %w", id, ErrNotDead)
	}
	s.seq++
	now := FromMS(ToMS(s.now()))
	m.State, m.Attempts, m.LastError, m.NextAttemptAt, m.UpdatedAt, m.seq = Pending, 0, "", now, now, s.seq
	s.queue(m.Kind).add(m)
	return nil
}

func (s *memoryStore) PurgeDead(ctx context.Context, f Filter, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	f.State = Dead
	var n int64
	for id, m := range s.messages {
		if f.Match(&m.Message) && m.UpdatedAt.Before(before) {
			delete(s.messages, id)
			n++
		}
	}
	return n, nil
}

func (s *memoryStore) Stats(ctx context.Context) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Stats{}, ErrClosed
	}
	var st Stats
	for _, m := range s.messages {
		st.Add(m.Kind, m.State, 1)
	}
	return st, nil
}

func (s *memoryStore) Prune(ctx context.Context, retention time.Duration) (Pruned, error) {
	if err := CheckRetention(retention); err != nil {
		return Pruned{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Pruned{}, ErrClosed
	}
	cutoff := ToMS(s.now().Add(-retention))
	var n Pruned
	for key, c := range s.claims {
		if c.updatedAt <= cutoff && c.leaseUntil <= cutoff {
			delete(s.claims, key)
			n.Claims++
		}
	}
	for id, m := range s.messages {
		if m.State == Delivered && ToMS(m.UpdatedAt) <= cutoff {
			delete(s.messages, id)
			n.Messages++
		}
	}
	return n, nil
}

func (s *memoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func copyResult(r Result) Result {
	return Result{Status: r.Status, Body: append([]byte(nil), r.Body...)}
}

// copyMessage copies m so callers never share the store's bytes; withBody
// false leaves the body out (dead letters).
func copyMessage(m *Message, withBody bool) Message {
	out := *m
	out.Body = nil
	if withBody {
		out.Body = append([]byte(nil), m.Body...)
	}
	return out
}

// memoryMessage is a stored message with its place in its queue's heap.
type memoryMessage struct {
	Message
	seq   int64
	index int // in memoryQueue.due; -1 when not there
}

// memoryQueue indexes one kind's pending messages by due time, so that
// LeaseDue looks at the due messages only instead of sorting the whole
// queue. A grouped message is in the heap only while it is its group's
// oldest pending message; the rest wait in the group's list.
type memoryQueue struct {
	due    dueHeap
	groups map[string][]*memoryMessage
}

func newMemoryQueue() *memoryQueue { return &memoryQueue{groups: map[string][]*memoryMessage{}} }

func (s *memoryStore) queue(kind Kind) *memoryQueue { return s.queues[kind] }

// add makes a pending message due, or queues it behind its group.
func (q *memoryQueue) add(m *memoryMessage) {
	m.index = -1
	if m.Group == "" {
		heap.Push(&q.due, m)
		return
	}
	waiting := q.groups[m.Group]
	q.groups[m.Group] = append(waiting, m)
	if len(waiting) == 0 {
		heap.Push(&q.due, m)
	}
}

// finish takes a message that left the pending state out of the heap and
// makes the next of its group due.
func (q *memoryQueue) finish(m *memoryMessage) {
	if m.index >= 0 {
		heap.Remove(&q.due, m.index)
	}
	if m.Group == "" {
		return
	}
	waiting := q.groups[m.Group]
	if i := slices.Index(waiting, m); i >= 0 {
		waiting = slices.Delete(waiting, i, i+1)
	}
	if len(waiting) == 0 {
		delete(q.groups, m.Group)
		return
	}
	q.groups[m.Group] = waiting
	if waiting[0].index < 0 {
		heap.Push(&q.due, waiting[0])
	}
}

// dueHeap orders pending messages by due time, then by id.
type dueHeap []*memoryMessage

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	return cmp.Or(h[i].NextAttemptAt.Compare(h[j].NextAttemptAt), cmp.Compare(h[i].ID, h[j].ID)) < 0
}
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *dueHeap) Push(x any) {
	m := x.(*memoryMessage)
	m.index = len(*h)
	*h = append(*h, m)
}
func (h *dueHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	old[len(old)-1] = nil
	m.index = -1
	*h = old[:len(old)-1]
	return m
}

// SortMessages orders listed messages oldest first.
func SortMessages(ms []Message) {
	slices.SortFunc(ms, func(a, b Message) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}
