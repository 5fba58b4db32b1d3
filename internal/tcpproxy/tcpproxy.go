// Package tcpproxy is a TCP proxy for fault tests. It stands between a
// client (a store's connection pool) and a real server (the machine's
// shared PostgreSQL or Redis) and can make the server look unreachable,
// partitioned or restarted without touching it, so other tests using the
// same server are not disturbed:
//
//	Refuse   the server is down: open connections are reset and new ones refused
//	Drop     a network partition: connections are accepted but no byte gets through
//	Reset    a restart: every open connection is reset once; new ones work
//	Restore  back to normal (connections that lost bytes while dropped are reset)
package tcpproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Proxy forwards connections from Addr to a target address.
type Proxy struct {
	target string
	addr   string

	dropping atomic.Bool
	accepted atomic.Int64

	mu      sync.Mutex
	ln      net.Listener
	links   map[*link]struct{}
	closed  bool
	serving sync.WaitGroup
}

// link is one proxied connection: the client side and the server side.
type link struct {
	client, server net.Conn
	// lost is set when bytes were dropped: the protocol on this link is
	// out of step and the link must not carry traffic again.
	lost atomic.Bool
}

// Start listens on a free loopback port and forwards every connection to
// target (host:port).
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the proxy to %s: %w", target, err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), links: map[*link]struct{}{}}
	p.serve(ln)
	return p, nil
}

// Addr is the host:port clients connect to.
func (p *Proxy) Addr() string { return p.addr }

// Accepted counts the connections accepted so far.
func (p *Proxy) Accepted() int64 { return p.accepted.Load() }

func (p *Proxy) serve(ln net.Listener) {
	p.ln = ln
	p.serving.Add(1)
	go func() {
		defer p.serving.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // the listener was closed by Refuse or Close
			}
			p.accepted.Add(1)
			go p.handle(c)
		}
	}()
}

func (p *Proxy) handle(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		reset(client)
		return
	}
	l := &link{client: client, server: server}
	p.mu.Lock()
	if p.closed || p.ln == nil { // closed or refusing since the accept
		p.mu.Unlock()
		reset(client)
		reset(server)
		return
	}
	p.links[l] = struct{}{}
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(l, server, client) })
	wg.Go(func() { p.pipe(l, client, server) })
	wg.Wait()
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

// pipe copies src to dst until either side fails, dropping what it reads
// while the proxy drops traffic.
func (p *Proxy) pipe(l *link, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if p.dropping.Load() || l.lost.Load() {
				l.lost.Store(true)
			} else if _, werr := dst.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil {
			// One side is gone: take the other down with it, as a real
			// connection through a dead peer would go.
			if errors.Is(err, io.EOF) {
				closeWrite(dst)
				return
			}
			reset(dst)
			reset(src)
			return
		}
	}
}

// Refuse makes the server unreachable: the listener closes, so new
// connections are refused, and every open connection is reset.
func (p *Proxy) Refuse() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.mu.Unlock()
	p.serving.Wait()
	p.Reset()
}

// Drop starts a partition: connections are accepted and held open, but
// nothing they carry is delivered, so clients wait until they time out.
func (p *Proxy) Drop() { p.dropping.Store(true) }

// Reset resets every open connection once, as a restarting server does;
// new connections go through.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		reset(l.client)
		reset(l.server)
	}
}

// Restore ends Refuse or Drop. Connections that lost bytes while dropped
// are reset, as their peers would time them out; after Refuse the proxy
// listens on its old address again.
func (p *Proxy) Restore() error {
	p.dropping.Store(false)
	p.mu.Lock()
	for l := range p.links {
		if l.lost.Load() {
			reset(l.client)
			reset(l.server)
		}
	}
	relisten := p.ln == nil && !p.closed
	p.mu.Unlock()
	if !relisten {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("listen on %s again: %w", p.addr, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serve(ln)
	return nil
}

// Close stops the proxy and resets every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.mu.Unlock()
	p.serving.Wait()
	p.Reset()
	return nil
}

// reset closes c with an RST rather than a FIN, so the peer sees
// "connection reset by peer" as after a crash.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	_ = c.Close()
}
