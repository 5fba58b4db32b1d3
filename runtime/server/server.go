// Package server is the HTTP server in front of webhook handlers, with the
// limits a server that takes requests from the internet needs: every
// phase of a connection has a deadline and the number of connections is
// capped, so slow or idle clients cannot hold the server's memory or its
// file descriptors. `callspec serve` builds its server here, and so can a
// service built on a generated handler:
//
//	srv, err := server.New(mux, server.Config{})
//	if err != nil { … }
//	err = srv.ListenAndServe(ctx, ":8080") // until ctx is done, then a graceful shutdown
//
// | limit | default | what it bounds |
// | --- | --- | --- |
// | ReadHeaderTimeout | 10 s | the request line and headers |
// | ReadTimeout | 20 s | the whole request, headers and body (a body trickled byte by byte, or announced and never sent) |
// | WriteTimeout | 90 s | from the end of the headers to the end of the answer: the body, the handler and writing the answer |
// | IdleTimeout | 30 s | a keep-alive connection waiting for its next request |
// | MaxHeaderBytes | 64 KiB | the request line and headers (431 beyond) |
// | MaxConns | 256 | open connections; more wait in the kernel's accept queue until one closes |
//
// A connection past a deadline is closed. Platforms post a delivery of a
// few kilobytes at once and wait 10 to 30 seconds for the answer, so none
// of these is reached by a platform.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Defaults of Config. WriteTimeout must outlast the read of the body and
// the handler's own bounds (runtime/handler: a duplicate waits up to 10 s
// plus a 5 s store step, the service up to 30 s, storing the result up to
// 5 s), or an answer would be lost after the work was done.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 20 * time.Second
	DefaultWriteTimeout      = 90 * time.Second
	DefaultIdleTimeout       = 30 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxConns          = 256
	DefaultShutdownTimeout   = 15 * time.Second
)

// Config sets the server's limits; a zero field takes its default.
type Config struct {
	// ReadHeaderTimeout bounds reading the request line and the headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, headers and body; it
	// must not be shorter than ReadHeaderTimeout.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the headers to the end
	// of the answer; it must be longer than ReadTimeout.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its
	// next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers (limit
	// max-header-size); a larger request is answered 431 before any
	// handler runs.
	MaxHeaderBytes int
	// MaxConns caps the connections open at once. Each may hold a body
	// of up to the handler's limit (1 MiB) in memory until ReadTimeout,
	// so MaxConns × 1 MiB bounds what slow clients can pin.
	MaxConns int
	// ShutdownTimeout bounds how long Serve waits for the requests in
	// flight once its context is done.
	ShutdownTimeout time.Duration
}

// withDefaults fills the zero fields and checks the result. A timeout
// left zero follows the ones that are set: a read timeout set below 10 s
// shortens the header timeout, and the write timeout is the read timeout
// plus 70 s.
func (c Config) withDefaults() (Config, error) {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"header timeout", c.ReadHeaderTimeout}, {"read timeout", c.ReadTimeout}, {"write timeout", c.WriteTimeout},
		{"idle timeout", c.IdleTimeout}, {"shutdown timeout", c.ShutdownTimeout},
	} {
		if d.v < 0 {
			return c, fmt.Errorf("the %s %v is negative; give a positive duration, or 0 for the default", d.name, d.v)
		}
	}
	switch {
	case c.MaxHeaderBytes < 0:
		return c, fmt.Errorf("the header limit %d is negative; give a positive number of bytes, or 0 for the default of %d", c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	case c.MaxConns < 0:
		return c, fmt.Errorf("the connection cap %d is negative; give a positive number, or 0 for the default of %d", c.MaxConns, DefaultMaxConns)
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = max(DefaultReadTimeout, c.ReadHeaderTimeout)
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = min(DefaultReadHeaderTimeout, c.ReadTimeout)
	}
	c.WriteTimeout = cmp.Or(c.WriteTimeout, c.ReadTimeout+DefaultWriteTimeout-DefaultReadTimeout)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, DefaultIdleTimeout)
	c.ShutdownTimeout = cmp.Or(c.ShutdownTimeout, DefaultShutdownTimeout)
	c.MaxHeaderBytes = cmp.Or(c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	c.MaxConns = cmp.Or(c.MaxConns, DefaultMaxConns)
	switch {
	case c.ReadHeaderTimeout > c.ReadTimeout:
		return c, fmt.Errorf("the header timeout %v is longer than the read timeout %v, which covers the headers too; make the read timeout at least as long", c.ReadHeaderTimeout, c.ReadTimeout)
	case c.WriteTimeout <= c.ReadTimeout:
		return c, fmt.Errorf("the write timeout %v is not longer than the read timeout %v: it runs from the end of the headers, so it must leave the handler time to answer after the body is read", c.WriteTimeout, c.ReadTimeout)
	}
	return c, nil
}

// Server is an http.Server configured with a Config, and the cap on its
// connections.
type Server struct {
	// HTTP is the configured server; its Handler is the handler given to
	// New. Tests may set its ConnState hook before Serve.
	HTTP *http.Server
	cfg  Config
}

// New returns a server of h with cfg's limits, or an error saying which
// limit is out of range.
func New(h http.Handler, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Server{
		HTTP: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
		},
		cfg: cfg,
	}, nil
}

// Config returns the limits in force, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Listen listens on the TCP address addr ("127.0.0.1:8080", ":0").
func (s *Server) Listen(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr)
}

// Serve serves connections from ln, at most MaxConns at once, until ctx
// is done; then it stops accepting, waits up to ShutdownTimeout for the
// requests in flight, and returns nil. It returns the error that stopped
// it otherwise. Serve closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.HTTP.Serve(netutil.LimitListener(ln, s.cfg.MaxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.HTTP.Shutdown(sctx); err != nil {
		s.HTTP.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe listens on addr and serves until ctx is done (Serve).
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := s.Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}
