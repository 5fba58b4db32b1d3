package handler_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// gatedService holds each call until open is closed, and counts calls.
type gatedService struct {
	entered chan struct{} // closed at the first call
	open    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	calls   int
}

func (s *gatedService) call() error {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	s.once.Do(func() { close(s.entered) })
	<-s.open
	return nil
}

func (s *gatedService) CreateWorkOrder(context.Context, *intake.Outcome) error { return s.call() }
func (s *gatedService) Handoff(context.Context, *intake.Handoff) error         { return s.call() }

// busySignal is a store whose ClaimComplete says when it found the key
// busy.
type busySignal struct {
	store.Store
	cc   store.ClaimCompleter
	busy chan struct{} // closed at the first Busy
	once sync.Once
}

func (b *busySignal) ClaimComplete(ctx context.Context, key string, lease time.Duration, result store.Result, msgs ...*store.Message) (store.Claim, error) {
	c, err := b.cc.ClaimComplete(ctx, key, lease, result, msgs...)
	if err == nil && c.Outcome == store.Busy {
		b.once.Do(func() { close(b.busy) })
	}
	return c, err
}

// TestOneWriteWaitsForAHolder: a durable handler claims and stores in one
// write (store.ClaimCompleter), but a replica that calls its service
// before it stores (no inbox worker) holds the key meanwhile; the durable
// handler's duplicate then polls as a claim would, and answers with the
// holder's result once it is stored: the service runs once, and the
// duplicate stores nothing.
func TestOneWriteWaitsForAHolder(t *testing.T) {
	st, err := storeopen.Open("sqlite:" + filepath.Join(t.TempDir(), "callspec.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cc, ok := st.(store.ClaimCompleter)
	if !ok {
		t.Fatal("the SQLite store is no store.ClaimCompleter")
	}
	signal := &busySignal{Store: st, cc: cc, busy: make(chan struct{})}
	svc := &gatedService{entered: make(chan struct{}), open: make(chan struct{})}

	// The holder: no inbox worker runs, so it calls the service in the
	// request, between its claim and its completion.
	holder, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	durable, err := intake.NewHandler(svc, "retell", handler.Config{Store: signal, Secret: []byte(secret), Inbox: idleInbox(t, signal), DuplicateWait: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	holderSrv, durableSrv := httptest.NewServer(holder), httptest.NewServer(durable)
	defer holderSrv.Close()
	defer durableSrv.Close()

	p, _ := providers.Lookup("retell")
	f := &fixture{t: t, p: p}
	body := f.delivery("one-write-holder", routine())
	post := func(url string) (*http.Response, []byte) {
		hdr, err := p.Sign([]byte(secret), body, time.Now())
		if err != nil {
			t.Error(err)
			return nil, nil
		}
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return nil, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	var first, dup *http.Response
	var firstBody, dupBody []byte
	var wg sync.WaitGroup
	wg.Go(func() { first, firstBody = post(holderSrv.URL) })
	<-svc.entered
	wg.Go(func() { dup, dupBody = post(durableSrv.URL) })
	select {
	case <-signal.busy:
	case <-time.After(time.Minute):
		t.Fatal("the durable handler's ClaimComplete never found the key busy")
	}
	close(svc.open)
	wg.Wait()
	if first == nil || dup == nil {
		t.FailNow()
	}
	if first.StatusCode != http.StatusOK || dup.StatusCode != http.StatusOK {
		t.Fatalf("holder %d %s, duplicate %d %s; want 200 for both", first.StatusCode, firstBody, dup.StatusCode, dupBody)
	}
	if !bytes.Equal(dupBody, firstBody) || dup.Header.Get(handler.ReplayedHeader) != "true" {
		t.Errorf("the duplicate answered %q (replayed %q), want the holder's %q replayed", dupBody, dup.Header.Get(handler.ReplayedHeader), firstBody)
	}
	if svc.calls != 1 {
		t.Errorf("the service was called %d times, want once", svc.calls)
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Inbox != (store.Counts{}) {
		t.Errorf("inbox %+v: the duplicate stored an event", stats.Inbox)
	}
}
