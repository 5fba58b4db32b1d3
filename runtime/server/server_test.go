package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/server"
	"github.com/callspec/callspec/runtime/server/servertest"
)

// short is a Config whose deadlines are reached within a second.
var short = server.Config{
	ReadHeaderTimeout: 200 * time.Millisecond,
	ReadTimeout:       400 * time.Millisecond,
	WriteTimeout:      800 * time.Millisecond,
	IdleTimeout:       400 * time.Millisecond,
}

// readBody is what a webhook handler does first: read the body, at most
// 1 MiB, and answer 400 when it cannot.
func readBody(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
		http.Error(w, "the body could not be read", http.StatusBadRequest)
		return
	}
	io.WriteString(w, "ok\n")
}

// start serves h with cfg on a free port until the test ends.
func start(t *testing.T, cfg server.Config, h http.Handler, hook func(*server.Server)) string {
	t.Helper()
	return startOn(t, cfg, h, hook, nil)
}

// startOn is start with the listener Serve gets wrapped by wrap (nil: as
// it is).
func startOn(t *testing.T, cfg server.Config, h http.Handler, hook func(*server.Server), wrap func(net.Listener) net.Listener) string {
	t.Helper()
	srv, err := server.New(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if hook != nil {
		hook(srv)
	}
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		ln = wrap(ln)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestTrickledBodyIsCutOff: a body sent a byte at a time (it would take
// 10 s) is cut off at the read timeout, and the connection closed.
func TestTrickledBodyIsCutOff(t *testing.T) {
	servertest.TrickledBody(t, start(t, short, http.HandlerFunc(readBody), nil), "/hooks/w/bland")
}

// TestTrickledHeadersAreCutOff: headers sent a byte at a time are cut off
// at the header timeout.
func TestTrickledHeadersAreCutOff(t *testing.T) {
	servertest.TrickledHeaders(t, start(t, short, http.HandlerFunc(readBody), nil), "/hooks/w/bland")
}

// TestAnnouncedBodiesAreReleased: 50 connections that announce a body of
// 1 MiB − 1 and send none are all closed at the read timeout.
func TestAnnouncedBodiesAreReleased(t *testing.T) {
	servertest.AnnouncedBodies(t, start(t, short, http.HandlerFunc(readBody), nil), "/hooks/w/bland", 50)
}

// TestIdleKeepAliveIsClosed: after an answer, keep-alive connections that
// send nothing more are closed at the idle timeout.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	servertest.IdleKeepAlive(t, start(t, short, http.HandlerFunc(readBody), nil), http.MethodGet, "/healthz", 20)
}

// TestUnreadAnswerIsCutOff: a client that never reads its answer holds
// the handler's writes only until the write timeout.
func TestUnreadAnswerIsCutOff(t *testing.T) {
	type result struct {
		written int64
		err     error
	}
	results := make(chan result, 1)
	chunk := make([]byte, 64<<10)
	addr := start(t, short, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int64
		for n < 1<<30 {
			k, err := w.Write(chunk)
			n += int64(k)
			if err != nil {
				results <- result{n, err}
				return
			}
		}
		results <- result{n, nil}
	}), nil)
	c := servertest.Dial(t, addr)
	io.WriteString(c, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case res := <-results:
		if res.err == nil {
			t.Fatalf("the handler wrote %d bytes to a client that reads nothing", res.written)
		}
	case <-time.After(servertest.Guard):
		t.Fatalf("the handler's write to a client that reads nothing was still blocked after %v", servertest.Guard)
	}
	servertest.WaitClosed(t, c, c)
}

// TestConnectionCap: with a cap of 4, seven clients are served, never
// more than four connections open at once: the others wait until one
// closes.
func TestConnectionCap(t *testing.T) {
	const limit, clients = 4, 7
	var (
		mu        sync.Mutex
		open, top int
	)
	entered := make(chan struct{})
	release := make(chan struct{})
	cfg := short
	cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = servertest.Guard, servertest.Guard, 2*servertest.Guard, servertest.Guard
	cfg.MaxConns = limit
	// Connections are counted beneath the cap's listener: it takes a slot
	// before it accepts one of ours and frees it only after our Close,
	// so the count is exact. (Counting in http.Server.ConnState is not:
	// the next connection's StateNew can run before the freed one's
	// StateClosed.)
	count := func(ln net.Listener) net.Listener {
		return &countingListener{Listener: ln, accepted: func() {
			mu.Lock()
			defer mu.Unlock()
			open++
			top = max(top, open)
		}, closed: func() {
			mu.Lock()
			defer mu.Unlock()
			open--
		}}
	}
	addr := startOn(t, cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		io.WriteString(w, "ok\n")
	}), nil, count)
	statuses := make(chan string, clients)
	for range clients {
		c := servertest.Dial(t, addr)
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		go func() {
			b, _ := io.ReadAll(c)
			line, _, _ := strings.Cut(string(b), "\r\n")
			statuses <- line
		}()
	}
	// The first four handlers are held until all four are in; from then
	// on one is let go for each that enters, so four are always held and
	// each further request can only come in on a connection freed by the
	// one let go.
	for i := range clients {
		select {
		case <-entered:
		case <-time.After(servertest.Guard):
			t.Fatalf("only %d of %d requests reached the handler", i, clients)
		}
		mu.Lock()
		n := top
		mu.Unlock()
		if n > limit {
			t.Fatalf("%d connections were open at once, over the cap of %d", n, limit)
		}
		if i >= limit-1 {
			release <- struct{}{}
		}
	}
	for range limit - 1 {
		release <- struct{}{}
	}
	for range clients {
		if s := <-statuses; s != "HTTP/1.1 200 OK" {
			t.Errorf("a client got %q", s)
		}
	}
}

// TestConfig: zero fields take their defaults (timeouts left zero follow
// those that are set); limits out of range are refused with a sentence
// that says which.
func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		in   server.Config
		want server.Config
		err  string
	}{
		{in: server.Config{}, want: server.Config{
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 20 * time.Second, WriteTimeout: 90 * time.Second,
			IdleTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10, MaxConns: 256, ShutdownTimeout: 15 * time.Second,
		}},
		{in: server.Config{ReadTimeout: 2 * time.Second}, want: server.Config{
			ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 72 * time.Second,
			IdleTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10, MaxConns: 256, ShutdownTimeout: 15 * time.Second,
		}},
		{in: server.Config{ReadHeaderTimeout: time.Minute}, want: server.Config{
			ReadHeaderTimeout: time.Minute, ReadTimeout: time.Minute, WriteTimeout: 130 * time.Second,
			IdleTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10, MaxConns: 256, ShutdownTimeout: 15 * time.Second,
		}},
		{in: server.Config{IdleTimeout: -time.Second}, err: "the idle timeout -1s is negative; give a positive duration, or 0 for the default"},
		{in: server.Config{MaxConns: -1}, err: "the connection cap -1 is negative; give a positive number, or 0 for the default of 256"},
		{in: server.Config{ReadHeaderTimeout: 30 * time.Second, ReadTimeout: 20 * time.Second}, err: "the header timeout 30s is longer than the read timeout 20s, which covers the headers too; make the read timeout at least as long"},
		{in: server.Config{ReadTimeout: time.Minute, WriteTimeout: time.Minute}, err: "the write timeout 1m0s is not longer than the read timeout 1m0s: it runs from the end of the headers, so it must leave the handler time to answer after the body is read"},
	} {
		srv, err := server.New(http.NotFoundHandler(), tc.in)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("New(%+v) = %v, want the error %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("New(%+v): %v", tc.in, err)
		case srv.Config() != tc.want:
			t.Errorf("New(%+v).Config() = %+v, want %+v", tc.in, srv.Config(), tc.want)
		case srv.HTTP.ReadHeaderTimeout != tc.want.ReadHeaderTimeout || srv.HTTP.ReadTimeout != tc.want.ReadTimeout ||
			srv.HTTP.WriteTimeout != tc.want.WriteTimeout || srv.HTTP.IdleTimeout != tc.want.IdleTimeout || srv.HTTP.MaxHeaderBytes != tc.want.MaxHeaderBytes:
			t.Errorf("New(%+v).HTTP does not carry the limits %+v", tc.in, tc.want)
		}
	}
}

// countingListener tells accepted and closed about every connection.
type countingListener struct {
	net.Listener
	accepted, closed func()
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.accepted()
	return &countingConn{Conn: c, closed: l.closed}, nil
}

type countingConn struct {
	net.Conn
	once   sync.Once
	closed func()
}

func (c *countingConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.closed)
	return err
}
