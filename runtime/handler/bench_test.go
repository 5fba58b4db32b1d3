package handler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/handler"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
)

type nopService struct{}

func (nopService) CreateWorkOrder(context.Context, *intake.Outcome) error { return nil }
func (nopService) Handoff(context.Context, *intake.Handoff) error         { return nil }

type signedDelivery struct {
	body   []byte
	header http.Header
}

func deliveries(b *testing.B, p providers.Provider, n int) []signedDelivery {
	f := &fixture{p: p}
	out := make([]signedDelivery, n)
	now := time.Now()
	for i := range out {
		f.t = &testing.T{}
		body := f.delivery(fmt.Sprintf("bench-%d", i), routine())
		h, err := p.Sign([]byte(secret), body, now)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = signedDelivery{body: body, header: h}
	}
	return out
}

// BenchmarkHandler measures one delivery through the whole handler
// (verify, decode, idempotency on the memory store, validate, decide,
// service, complete) with a fresh call id each time; BenchmarkJSONDecode
// measures encoding/json decoding the same bodies, the floor.
func BenchmarkHandler(b *testing.B) {
	for _, name := range providers.Names() {
		p, _ := providers.Lookup(name)
		b.Run(name, func(b *testing.B) {
			st, _ := store.Open("memory:")
			defer st.Close()
			h, err := intake.NewHandler(nopService{}, name, handler.Config{Store: st, Secret: []byte(secret)})
			if err != nil {
				b.Fatal(err)
			}
			ds := deliveries(b, p, 4096)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := ds[i%len(ds)]
				if i >= len(ds) && i%len(ds) == 0 {
					b.StopTimer()
					st.Close()
					st, _ = store.Open("memory:")
					h, _ = intake.NewHandler(nopService{}, name, handler.Config{Store: st, Secret: []byte(secret)})
					b.StartTimer()
				}
				req := httptest.NewRequest(http.MethodPost, "/", bytesReader(d.body))
				req.Header = d.header
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

func BenchmarkJSONDecode(b *testing.B) {
	for _, name := range providers.Names() {
		p, _ := providers.Lookup(name)
		b.Run(name, func(b *testing.B) {
			ds := deliveries(b, p, 64)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var v map[string]any
				if err := json.Unmarshal(ds[i%len(ds)].body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func bytesReader(b []byte) *bytesReaderT { return &bytesReaderT{b: b} }

type bytesReaderT struct {
	b []byte
	i int
}

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}
