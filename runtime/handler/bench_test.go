package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

type nopService struct{}

func (nopService) CreateWorkOrder(context.Context, *intake.Outcome) error { return nil }
func (nopService) Handoff(context.Context, *intake.Handoff) error         { return nil }

type signedDelivery struct {
	body   []byte
	header http.Header
}

func deliveries(b *testing.B, p providers.Adapter, n int) []signedDelivery {
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
// (body limit, verify, decode, idempotency key, claim on the memory store,
// validate, decide, service, result and outbox message stored) with a
// fresh call id each time; BenchmarkJSONDecode measures encoding/json
// decoding the same bodies into map[string]any, the floor. Both run per
// provider, so `go test -bench 'Handler|JSONDecode'` prints the ratio's
// two sides from one run (docs/PERFORMANCE.md).
//
// The request and response writer are the cheapest the net/http contract
// allows, so that the benchmark measures the handler, not httptest.
func BenchmarkHandler(b *testing.B) {
	for _, name := range providers.Names() {
		p, _ := providers.Lookup(name)
		b.Run(name, func(b *testing.B) {
			ds := deliveries(b, p, 4096)
			var st store.Store
			var h http.Handler
			reset := func() {
				if st != nil {
					st.Close()
				}
				st, _ = storeopen.Open("memory:")
				var err error
				h, err = intake.NewHandler(nopService{}, name, handler.Config{Store: st, Secret: []byte(secret), Logger: discardLogger})
				if err != nil {
					b.Fatal(err)
				}
			}
			reset()
			defer func() { st.Close() }()
			req := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/"}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
			w := &discardWriter{header: http.Header{}}
			body := &bytes.Reader{}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := ds[i%len(ds)]
				if i >= len(ds) && i%len(ds) == 0 {
					// Every call id is new again on a fresh store.
					b.StopTimer()
					reset()
					b.StartTimer()
				}
				body.Reset(d.body)
				r := req.WithContext(context.Background())
				r.Header, r.Body, r.ContentLength = d.header, io.NopCloser(body), int64(len(d.body))
				clear(w.header)
				w.status = 0
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
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

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}
func (w *discardWriter) WriteHeader(status int) { w.status = status }

// discardLogger formats every record as production would, then drops it.
var discardLogger = slog.New(slog.NewJSONHandler(io.Discard, nil))
