package handler_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

var errReset = errors.New("read tcp 127.0.0.1:5432: connection reset by peer")

// flakyStore fails the next failClaims claims and failCompletes completes.
type flakyStore struct {
	store.Store
	mu                        sync.Mutex
	failClaims, failCompletes int
	completes                 int
}

func (s *flakyStore) Claim(ctx context.Context, key string, lease time.Duration) (store.Claim, error) {
	s.mu.Lock()
	fail := s.failClaims > 0
	if fail {
		s.failClaims--
	}
	s.mu.Unlock()
	if fail {
		return store.Claim{}, errReset
	}
	return s.Store.Claim(ctx, key, lease)
}

func (s *flakyStore) Complete(ctx context.Context, c store.Claim, r store.Result, m ...*store.Message) error {
	s.mu.Lock()
	s.completes++
	fail := s.failCompletes > 0
	if fail {
		s.failCompletes--
	}
	s.mu.Unlock()
	if fail {
		return errReset
	}
	return s.Store.Complete(ctx, c, r, m...)
}

func (s *flakyStore) completed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.completes
}

func (s *flakyStore) set(claims, completes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failClaims, s.failCompletes, s.completes = claims, completes, 0
}

// TestStoreFailures checks each way a store call can fail, in process: a
// failed claim answers 503 before the service runs; a failed complete is
// retried and, when the retries fail too, answers 503, so nothing is
// acknowledged that was not stored.
func TestStoreFailures(t *testing.T) {
	mem, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	st := &flakyStore{Store: mem}
	svc := &keyedService{}
	h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Lease: 50 * time.Millisecond, StoreTimeout: time.Second, Inbox: idleInbox(t, mem)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(inline(t, h))
	defer srv.Close()
	pl := newPlatform(t, "retell", srv.URL)
	calls := func(id string) int {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return svc.calls[id]
	}
	stored := func(id string) bool {
		c, err := mem.Claim(context.Background(), store.Key(intake.Definition().ID, id), time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if c.Outcome == store.Acquired {
			_ = mem.Release(context.Background(), c)
		}
		return c.Outcome == store.Done
	}

	t.Run("claim fails", func(t *testing.T) {
		st.set(1, 0)
		if status := pl.post("claim-fails"); status != http.StatusServiceUnavailable || calls("claim-fails") != 0 || stored("claim-fails") {
			t.Fatalf("got %d, %d service calls, stored %v; want 503 before the service and nothing stored", status, calls("claim-fails"), stored("claim-fails"))
		}
		if status := pl.post("claim-fails"); status != http.StatusOK || calls("claim-fails") != 1 {
			t.Fatalf("the retry got %d with %d service calls, want 200 and one call", status, calls("claim-fails"))
		}
	})
	t.Run("complete fails once", func(t *testing.T) {
		st.set(0, 1)
		if status := pl.post("complete-once"); status != http.StatusOK || st.completed() != 2 || !stored("complete-once") || calls("complete-once") != 1 {
			t.Fatalf("got %d after %d completes, stored %v, %d service calls; want 200 after a second complete, stored, one call",
				status, st.completed(), stored("complete-once"), calls("complete-once"))
		}
	})
	t.Run("complete keeps failing", func(t *testing.T) {
		st.set(0, 100)
		if status := pl.post("complete-down"); status != http.StatusServiceUnavailable || stored("complete-down") {
			t.Fatalf("got %d, stored %v; want 503 and nothing stored", status, stored("complete-down"))
		}
		st.set(0, 0)
		// The claim is held until its lease runs out; then the retry is
		// stored, and the service, which never ran for the failed
		// attempts (it runs from the inbox), is called once.
		waitFor(t, 10*time.Second, "the retry to be accepted", func() bool { return pl.post("complete-down") == http.StatusOK })
		if !stored("complete-down") || calls("complete-down") != 1 {
			t.Fatalf("stored %v after %d service calls; want stored after 1", stored("complete-down"), calls("complete-down"))
		}
	})
}
