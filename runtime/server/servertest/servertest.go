// Package servertest holds slow and idle clients that check, over real
// TCP connections, that a server closes what it must: a body trickled a
// byte at a time, headers trickled, bodies announced and never sent,
// keep-alive connections left idle. The runtime/server tests and the
// `callspec serve` tests run the same checks.
//
// Each check waits for the server to close the connection; Guard only
// bounds a server that never does, and then the check fails. Give the
// server timeouts well under a second.
package servertest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Guard is how long a check waits for the server to close a connection
// before it fails.
const Guard = 20 * time.Second

// trickleEvery is the pace of a trickled request: 1,000 bytes take 10 s,
// far longer than the timeouts under test.
const trickleEvery = 10 * time.Millisecond

// Dial connects to addr and closes the connection when tb ends.
func Dial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// WaitClosed reads r (c, or a reader over it) until the server closes c,
// and returns what it read. It marks tb failed if Guard passes first; it
// may run in any goroutine.
func WaitClosed(tb testing.TB, c net.Conn, r io.Reader) string {
	tb.Helper()
	c.SetReadDeadline(time.Now().Add(Guard))
	b, err := io.ReadAll(r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		tb.Errorf("the server kept the connection open for %v (read %q)", Guard, b)
	}
	return string(b) // io.EOF or a reset: closed
}

// trickle writes one byte of s every trickleEvery until the connection
// fails or stop is closed, and sends how many it wrote.
func trickle(c net.Conn, s string, stop <-chan struct{}) <-chan int {
	n := make(chan int, 1)
	go func() {
		tick := time.NewTicker(trickleEvery)
		defer tick.Stop()
		for i := range len(s) {
			select {
			case <-stop:
				n <- i
				return
			case <-tick.C:
			}
			if _, err := c.Write([]byte{s[i]}); err != nil {
				n <- i
				return
			}
		}
		n <- len(s)
	}()
	return n
}

// trickled sends head at once and then tail a byte at a time, and fails
// tb unless the server closes the connection before tail is through. It
// returns what the server answered.
func trickled(tb testing.TB, addr, head, tail string) string {
	tb.Helper()
	c := Dial(tb, addr)
	io.WriteString(c, head)
	stop := make(chan struct{})
	sent := trickle(c, tail, stop)
	got := WaitClosed(tb, c, c)
	close(stop)
	if n := <-sent; n == len(tail) {
		tb.Errorf("the server read all %d trickled bytes (over %v) and did not close the connection", n, time.Duration(n)*trickleEvery)
	}
	return got
}

// TrickledBody posts to path a body of 1,000 bytes sent a byte at a time
// and checks that the server cuts it off (its read timeout) and closes
// the connection, answering 400 or nothing.
func TrickledBody(tb testing.TB, addr, path string) {
	tb.Helper()
	body := strings.Repeat("x", 1000)
	got := trickled(tb, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, len(body)), body)
	if got != "" && !strings.HasPrefix(got, "HTTP/1.1 400 ") {
		tb.Errorf("the answer to a cut-off body is %q, want 400 or none", got)
	}
}

// TrickledHeaders sends the headers of a POST to path a byte at a time
// and checks that the server closes the connection (its header timeout).
func TrickledHeaders(tb testing.TB, addr, path string) {
	tb.Helper()
	trickled(tb, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\n", path), "X-Slow: "+strings.Repeat("x", 1000))
}

// AnnouncedBodies opens n connections that each announce a body of
// 1 MiB − 1 to path, send one byte of it and nothing more, and checks
// that the server closes every one (its read timeout): a handler that
// sized a buffer by Content-Length held a mebibyte per connection.
func AnnouncedBodies(tb testing.TB, addr, path string, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	for range n {
		c := Dial(tb, addr)
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", path, 1<<20-1)
		wg.Go(func() { WaitClosed(tb, c, c) })
	}
	wg.Wait()
}

// IdleKeepAlive sends n requests (method and path, no body) on n
// connections, reads each answer, which must keep the connection alive,
// and checks that the server then closes every idle connection (its idle
// timeout).
func IdleKeepAlive(tb testing.TB, addr, method, path string, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	for range n {
		c := Dial(tb, addr)
		wg.Go(func() {
			fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\n\r\n", method, path)
			r := bufio.NewReader(c)
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				tb.Errorf("reading the answer: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Close {
				tb.Errorf("the answer %d closes the connection; the check needs one kept alive", resp.StatusCode)
				return
			}
			if rest := WaitClosed(tb, c, r); rest != "" {
				tb.Errorf("after the answer the server sent %q", rest)
			}
		})
	}
	wg.Wait()
}
