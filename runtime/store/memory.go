package store

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// memoryStore keeps everything in maps behind one mutex. It serves tests,
// benchmarks and `callspec test`; nothing survives the process.
type memoryStore struct {
	now func() time.Time

	mu     sync.Mutex
	closed bool
	claims map[string]*memoryClaim
	outbox map[string]*Message
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
	return &memoryStore{now: o.now, claims: map[string]*memoryClaim{}, outbox: map[string]*Message{}}
}

func (s *memoryStore) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	if err := checkClaimArgs(key, lease); err != nil {
		return Claim{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Claim{}, ErrClosed
	}
	now := s.now()
	c, ok := s.claims[key]
	switch {
	case ok && c.done:
		return Claim{Key: key, Outcome: Done, Result: copyResult(c.result)}, nil
	case ok && c.leaseUntil > toMS(now):
		return Claim{Key: key, Outcome: Busy, LeaseUntil: fromMS(c.leaseUntil)}, nil
	case !ok:
		c = &memoryClaim{}
		s.claims[key] = c
	}
	c.token = newToken()
	c.leaseUntil, c.updatedAt = toMS(now.Add(lease)), toMS(now)
	c.attempts++
	return Claim{Key: key, Outcome: Acquired, Token: c.token, Attempt: c.attempts, LeaseUntil: fromMS(c.leaseUntil)}, nil
}

func (s *memoryStore) Complete(ctx context.Context, held Claim, result Result, msg *Message) error {
	if err := checkHeld(held); err != nil {
		return err
	}
	if err := checkResult(result); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	now := s.now()
	var m Message
	if msg != nil {
		var err error
		if m, err = prepareMessage(msg, now); err != nil {
			return err
		}
	}
	c, ok := s.claims[held.Key]
	if !ok || c.done || c.token != held.Token {
		return ErrLeaseLost
	}
	c.done, c.token, c.result, c.updatedAt = true, "", copyResult(result), toMS(now)
	if msg != nil {
		if _, exists := s.outbox[m.ID]; !exists {
			s.outbox[m.ID] = &m
		}
	}
	return nil
}

func (s *memoryStore) Release(ctx context.Context, held Claim) error {
	if err := checkHeld(held); err != nil {
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
	c.token, c.leaseUntil, c.updatedAt = "", 0, toMS(s.now())
	return nil
}

func (s *memoryStore) LeaseDue(ctx context.Context, n int, lease time.Duration) ([]Message, error) {
	if err := checkLeaseDueArgs(n, lease); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	now := fromMS(toMS(s.now()))
	var due []*Message
	for _, m := range s.outbox {
		if m.State != Pending || m.NextAttemptAt.After(now) {
			continue
		}
		if m.Attempts >= m.MaxAttempts {
			m.State, m.LastError, m.LeaseToken, m.UpdatedAt = Dead, abandonedFinalAttempt, "", now
			continue
		}
		due = append(due, m)
	}
	slices.SortFunc(due, func(a, b *Message) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
	})
	if len(due) > n {
		due = due[:n]
	}
	token := newToken()
	until := fromMS(toMS(now.Add(lease)))
	out := make([]Message, 0, len(due))
	for _, m := range due {
		m.Attempts++
		m.LeaseToken, m.NextAttemptAt, m.UpdatedAt = token, until, now
		out = append(out, copyMessage(m, true))
	}
	return out, nil
}

// leased returns the message m names if m's lease token still holds it.
func (s *memoryStore) leased(m Message) (*Message, error) {
	if err := checkLeased(m); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, ErrClosed
	}
	held, ok := s.outbox[m.ID]
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
	held.State, held.LeaseToken, held.UpdatedAt = Delivered, "", fromMS(toMS(s.now()))
	return nil
}

func (s *memoryStore) MarkRetry(ctx context.Context, m Message, next time.Time, lastError string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.leased(m)
	if err != nil {
		return err
	}
	held.NextAttemptAt, held.LastError, held.LeaseToken, held.UpdatedAt = fromMS(toMS(next)), lastError, "", fromMS(toMS(s.now()))
	return nil
}

func (s *memoryStore) MarkDead(ctx context.Context, m Message, lastError string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.leased(m)
	if err != nil {
		return err
	}
	held.State, held.LastError, held.LeaseToken, held.UpdatedAt = Dead, lastError, "", fromMS(toMS(s.now()))
	return nil
}

func (s *memoryStore) DeadLetters(ctx context.Context, limit int) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []Message
	for _, m := range s.outbox {
		if m.State == Dead {
			out = append(out, copyMessage(m, false))
		}
	}
	slices.SortFunc(out, func(a, b Message) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	if limit = normLimit(limit); len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *memoryStore) Stats(ctx context.Context) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Stats{}, ErrClosed
	}
	var st Stats
	for _, m := range s.outbox {
		switch m.State {
		case Pending:
			st.Pending++
		case Delivered:
			st.Delivered++
		case Dead:
			st.Dead++
		}
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
	cutoff := toMS(s.now().Add(-retention))
	var n Pruned
	for key, c := range s.claims {
		if c.updatedAt <= cutoff && c.leaseUntil <= cutoff {
			delete(s.claims, key)
			n.Claims++
		}
	}
	for id, m := range s.outbox {
		if m.State == Delivered && toMS(m.UpdatedAt) <= cutoff {
			delete(s.outbox, id)
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
