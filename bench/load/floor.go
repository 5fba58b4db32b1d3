package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/callspec/callspec/providers"
)

// FloorResult is the floor handler's share of a run.
type FloorResult struct {
	Requests   int            `json:"requests"`
	ByStatus   map[int]int    `json:"by_status"`
	Throughput float64        `json:"requests_per_second"`
	Latency    map[string]int `json:"latency_us"`
}

// floorHandler is the least a webhook handler does: read the body, check
// the platform's signature, decode the JSON, answer. What callspec serve
// does beyond it (the workflow, the store, the outbox) is what the ratio
// to it measures.
func floorHandler(p providers.Adapter) http.Handler {
	secret := []byte(goodSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := p.Verify(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"accepted"}`)
	})
}

// runFloor serves floorHandler on loopback in this process and drives it
// as Run drove the server.
func runFloor(ctx context.Context, cfg Config, p providers.Adapter, run string, logf func(string, ...any)) (*FloorResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the floor handler: %w", err)
	}
	srv := &http.Server{Handler: floorHandler(p), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	target := "http://" + ln.Addr().String() + "/hook"
	logf("floor handler listens at %s", target)
	samples, _, elapsed, err := drive(ctx, cfg, p, newClient(cfg.Conns), target, run+"-floor")
	srv.Close()
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		return nil, fmt.Errorf("floor handler: %w", serveErr)
	}
	if err != nil {
		return nil, err
	}
	f := &FloorResult{ByStatus: map[int]int{}}
	f.Requests, f.Throughput, f.Latency = summarize(samples, elapsed, f.ByStatus)
	return f, nil
}
