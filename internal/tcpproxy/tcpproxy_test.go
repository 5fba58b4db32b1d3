package tcpproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// echo starts a server that echoes each line.
func echo(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := io.WriteString(c, line); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line on c and reads the echo, failing after a second.
func roundTrip(c net.Conn, line string) error {
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(got) != line {
		return errors.New("echo mismatch: " + got)
	}
	return nil
}

func dial(t *testing.T, p *Proxy) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatalf("dial the proxy: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestFaults(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	c := dial(t, p)
	if err := roundTrip(c, "hello"); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}

	// Reset: the open connection dies with a reset; a new one works.
	p.Reset()
	if err := roundTrip(c, "after reset"); err == nil {
		t.Fatal("a connection open during Reset still works")
	}
	if err := roundTrip(dial(t, p), "new"); err != nil {
		t.Fatalf("a new connection after Reset: %v", err)
	}

	// Refuse: connections are refused until Restore.
	p.Refuse()
	if _, err := net.Dial("tcp", p.Addr()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial while refusing: %v, want connection refused", err)
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(dial(t, p), "restored"); err != nil {
		t.Fatalf("after Restore: %v", err)
	}

	// Drop: connections open, nothing arrives; Restore resets them.
	open := dial(t, p)
	if err := roundTrip(open, "before"); err != nil {
		t.Fatal(err)
	}
	p.Drop()
	var ne net.Error
	if err := roundTrip(open, "dropped"); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("round trip while dropping: %v, want a timeout", err)
	}
	if err := roundTrip(dial(t, p), "dropped too"); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("new connection while dropping: %v, want a timeout", err)
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(open, "after the partition"); err == nil {
		t.Fatal("a connection that lost bytes carries traffic again")
	}
	if err := roundTrip(dial(t, p), "healed"); err != nil {
		t.Fatalf("a new connection after the partition: %v", err)
	}
	if p.Accepted() < 5 {
		t.Errorf("accepted %d connections, want at least 5", p.Accepted())
	}
}
