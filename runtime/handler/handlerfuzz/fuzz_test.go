package handlerfuzz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// secret is a Standard Webhooks secret, which every scheme accepts.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// maxBody is small so that the fuzzer reaches the 413 path.
const maxBody = 16 << 10

// allowed are the statuses the contract names for a POST.
var allowed = []int{
	http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusConflict,
	http.StatusRequestEntityTooLarge, http.StatusInternalServerError, http.StatusServiceUnavailable,
}

// countingStore counts every call that could store something.
type countingStore struct {
	store.Store
	mu                         sync.Mutex
	claims, completes, release int
}

func (s *countingStore) Claim(ctx context.Context, key string, lease time.Duration) (store.Claim, error) {
	s.mu.Lock()
	s.claims++
	s.mu.Unlock()
	return s.Store.Claim(ctx, key, lease)
}

func (s *countingStore) Complete(ctx context.Context, c store.Claim, r store.Result, m ...*store.Message) error {
	s.mu.Lock()
	s.completes++
	s.mu.Unlock()
	return s.Store.Complete(ctx, c, r, m...)
}

func (s *countingStore) Release(ctx context.Context, c store.Claim) error {
	s.mu.Lock()
	s.release++
	s.mu.Unlock()
	return s.Store.Release(ctx, c)
}

func (s *countingStore) counts() (int, int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims, s.completes, s.release
}

// service counts the events handed to it.
type service struct {
	mu     sync.Mutex
	events int
}

func (s *service) add() error {
	s.mu.Lock()
	s.events++
	s.mu.Unlock()
	return nil
}
func (s *service) CreateWorkOrder(context.Context, *intake.Outcome) error { return s.add() }
func (s *service) Handoff(context.Context, *intake.Handoff) error         { return s.add() }
func (s *service) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events
}

func FuzzHandler(f *testing.F) {
	names := providers.Names()
	calls := []*event.Inbound{
		{Call: event.Call{ID: "call-1", Status: "completed", Direction: "inbound", DurationS: 95}, CallerFrom: "+15551234567", CallerPhone: "+15551234567",
			Fields: map[string]any{"issue_type": "leak", "location": "kitchen sink", "urgency": "routine", "permission_to_enter": true}},
		{Call: event.Call{ID: "call-2", Status: "completed"}, Fields: map[string]any{"issue_type": "electrical", "location": "hall", "urgency": "urgent", "callback_phone": "+15557654321"}},
		{Call: event.Call{ID: "call-3", Status: "no_answer"}, Fields: map[string]any{"issue_type": "leak"}},
	}
	for i, name := range names {
		p, _ := providers.Lookup(name)
		for _, in := range calls {
			in.Call.Provider = name
			body, err := p.Encode(in, intake.Definition())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), body, true, false, "", "")
			f.Add(uint8(i), body, true, true, "Content-Type", "text/plain")
			f.Add(uint8(i), body, false, false, "X-Callspec-Secret", secret)
		}
		payloads, _ := filepath.Glob(filepath.Join("..", "..", "..", "providers", name, "testdata", "*.json"))
		for _, path := range payloads {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(uint8(i), b, true, true, "", "")
			}
		}
	}
	f.Add(uint8(0), append([]byte(`{"call":{"call_id":"x"}}`), bytes.Repeat([]byte(" "), maxBody)...), true, false, "", "")
	f.Add(uint8(0), []byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`), true, false, "", "")
	f.Add(uint8(1), []byte(""), false, false, "Webhook-Signature", "v1,AAAA")

	f.Fuzz(func(t *testing.T, provider uint8, body []byte, sign, repeat bool, headerName, headerValue string) {
		name := names[int(provider)%len(names)]
		p, _ := providers.Lookup(name)
		mem, err := storeopen.Open("memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer mem.Close()
		st := &countingStore{Store: mem}
		svc := &service{}
		h, err := intake.NewHandler(svc, name, handler.Config{Store: st, Secret: []byte(secret), MaxBodyBytes: maxBody, DuplicateWait: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var signed http.Header
		if sign {
			if signed, err = p.Sign([]byte(secret), body, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		post := func() (int, []byte) {
			req := httptest.NewRequest(http.MethodPost, "/hooks/maintenance_report_intake/"+name, bytes.NewReader(body))
			for k, vs := range signed {
				req.Header[k] = vs
			}
			if headerName != "" {
				req.Header.Set(headerName, headerValue)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.Bytes()
		}

		status, answer := post()
		claims, completes, _ := st.counts()
		check(t, status, answer)
		switch status {
		case http.StatusUnauthorized, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if claims != 0 || completes != 0 || svc.count() != 0 {
				t.Fatalf("a %d stored something or reached the service: %d claims, %d completes, %d events", status, claims, completes, svc.count())
			}
		case http.StatusOK:
			if svc.count() != 1 || completes != 1 {
				t.Fatalf("an accepted delivery reached the service %d times and was completed %d times, want once each", svc.count(), completes)
			}
		}
		if !repeat {
			return
		}
		again, answer2 := post()
		check(t, again, answer2)
		if status == http.StatusOK {
			if again != http.StatusOK || !bytes.Equal(answer, answer2) {
				t.Fatalf("a duplicate of an accepted delivery got %d %s, want the first answer %s", again, answer2, answer)
			}
			if svc.count() != 1 {
				t.Fatalf("a duplicate reached the service: %d events", svc.count())
			}
		}
	})
}

func check(t *testing.T, status int, answer []byte) {
	t.Helper()
	if !slices.Contains(allowed, status) {
		t.Fatalf("status %d is not one the handler may answer: %s", status, answer)
	}
	var a struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(answer, &a); err != nil || a.Status == "" {
		t.Fatalf("the answer is not the handler's JSON: %q", answer)
	}
}
