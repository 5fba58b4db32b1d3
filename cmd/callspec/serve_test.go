package main

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/server"
	"github.com/callspec/callspec/runtime/server/servertest"
	"github.com/callspec/callspec/runtime/store/storetest"
)

// TestMain lets a test run this binary as the callspec command itself
// (runCallspec), so that `callspec serve` is tested as a real process.
func TestMain(m *testing.M) {
	if os.Getenv("CALLSPEC_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// serveSecret signs deliveries of maintenance_report_intake.
const serveSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// serveSecretEnv names the variables of maintenance_report_intake's
// platform secrets: the webhook secret, Retell's and Bland's own, and
// Synthflow's URL token (a variable of its own: rule url-token-shared).
var serveSecretEnv = []string{"MAINTENANCE_WEBHOOK_SECRET", "RETELL_API_KEY", "BLAND_WEBHOOK_SECRET", "SYNTHFLOW_URL_TOKEN"}

// serveSecrets sets each of serveSecretEnv to serveSecret.
func serveSecrets() []string {
	var env []string
	for _, name := range serveSecretEnv {
		env = append(env, name+"="+serveSecret)
	}
	return env
}

// served is a running `callspec serve`.
type served struct {
	base   string // http://127.0.0.1:PORT
	listen string // the listening line
	lines  chan string
	logs   string // the file that holds its stderr: the log lines
}

// stderr is what callspec serve has written to its standard error.
func (s *served) stderr() string {
	b, err := os.ReadFile(s.logs)
	if err != nil {
		return "(the log cannot be read: " + err.Error() + ")"
	}
	return string(b)
}

// startServe runs `callspec serve` on a free port over the example
// workflows with a memory store and extra flags, and returns once it
// listens.
func startServe(t *testing.T, flags ...string) *served {
	t.Helper()
	return startServeWith(t, serveSecrets(), append(flags, "../../workflows")...)
}

// startServeWith runs `callspec serve` on a free port with a memory store,
// the environment variables env and args (flags, then spec paths).
func startServeWith(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory:"}, args...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "CALLSPEC_TEST_RUN_MAIN=1"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := filepath.Join(t.TempDir(), "serve.log")
	logFile, err := os.Create(logs)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		// callspec serve: listening on http://127.0.0.1:PORT with N routes …
		if _, rest, ok := strings.Cut(lines.Text(), "listening on "); ok {
			s := &served{listen: lines.Text(), lines: make(chan string, 100), logs: logs}
			s.base, _, _ = strings.Cut(rest, " ")
			go func() {
				for lines.Scan() {
					select {
					case s.lines <- lines.Text():
					default: // nobody is reading
					}
				}
			}()
			return s
		}
	}
	t.Fatalf("callspec serve exited before it listened: %v", lines.Err())
	return nil
}

// addr is the host:port s listens on.
func (s *served) addr(t *testing.T) string {
	u, err := url.Parse(s.base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestServeRefusesHugeHeaders checks the header limit of `callspec serve`
// (limit max-header-size): a request whose headers exceed it is answered
// 431 before any handler runs.
func TestServeRefusesHugeHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	base := startServe(t).base
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range []struct {
		size int
		want int
	}{
		{8 << 10, http.StatusOK},
		{server.DefaultMaxHeaderBytes + 8<<10, http.StatusRequestHeaderFieldsTooLarge},
	} {
		req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
		req.Header.Set("X-Padding", strings.Repeat("a", tc.size))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%d bytes of headers: %v", tc.size, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d bytes of headers: %d, want %d", tc.size, resp.StatusCode, tc.want)
		}
	}
}

// TestServeClosesSlowAndIdleConnections: the timeout flags reach the
// server. A body or headers trickled to a delivery route, bodies
// announced and never sent, and idle keep-alive connections are all
// closed by `callspec serve` itself.
func TestServeClosesSlowAndIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	s := startServe(t, "--header-timeout", "200ms", "--read-timeout", "400ms", "--write-timeout", "5s", "--idle-timeout", "400ms", "--max-conns", "64")
	if !strings.Contains(s.listen+<-s.lines, "limits: header 200ms, read 400ms, write 5s, idle 400ms, 64 connections; retention 2160h0m0s") {
		t.Errorf("serve does not print the limits in force")
	}
	addr := s.addr(t)
	const route = "/hooks/maintenance_report_intake/retell"
	t.Run("trickled body", func(t *testing.T) { servertest.TrickledBody(t, addr, route) })
	t.Run("trickled headers", func(t *testing.T) { servertest.TrickledHeaders(t, addr, route) })
	t.Run("announced bodies", func(t *testing.T) { servertest.AnnouncedBodies(t, addr, route, 50) })
	t.Run("idle keep-alive", func(t *testing.T) { servertest.IdleKeepAlive(t, addr, http.MethodGet, "/healthz", 20) })
}

// TestServeRefusesBadLimits: limits out of range stop serve before it
// listens, with a sentence that says which.
func TestServeRefusesBadLimits(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--read-timeout", "2m"}, "callspec: serve: the write timeout 1m30s is not longer than the read timeout 2m0s"},
		{[]string{"--idle-timeout", "-1s"}, "callspec: serve: the idle timeout -1s is negative"},
		{[]string{"--retention", "24h"}, "callspec: serve: --retention: the retention 24h0m0s is shorter than the minimum of 168h0m0s"},
	} {
		_, stderr, code := runCLI(t, append([]string{"serve", "--store", "memory:"}, tc.args...)...)
		if code != exitError || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("serve %v: exit %d, %q; want %d and %q", tc.args, code, stderr, exitError, tc.want)
		}
	}
}

// TestServeHidesTheStorePassword: the listening line shows the store
// with its passwords masked, in the user information and in the query.
func TestServeHidesTheStorePassword(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	// The test server trusts local connections: the passwords are sent
	// and ignored.
	u.User = url.UserPassword(u.User.Username(), "hunter2")
	q := u.Query()
	q.Set("password", "hunter2")
	u.RawQuery = q.Encode()
	line := startServe(t, "--store", u.String()).listen
	if strings.Contains(line, "hunter2") || !strings.Contains(line, ":xxxxx@") || !strings.Contains(line, "password=xxxxx") {
		t.Errorf("the listening line shows the store as %q", line)
	}
}

// TestServeMasksCallIDs: the line serve prints per event carries the
// platform's call id, masked.
func TestServeMasksCallIDs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	s := startServe(t)
	p, err := providers.Lookup("retell")
	if err != nil {
		t.Fatal(err)
	}
	body, err := p.Encode(&event.Inbound{
		Call:   event.Call{ID: "cust15557654321", Provider: "retell", Status: "completed", Direction: "inbound", DurationS: 60},
		Fields: map[string]any{"issue_type": "leak", "location": "kitchen sink", "urgency": "routine", "permission_to_enter": true},
	}, intake.Definition())
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.Sign([]byte(serveSecret), body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.base+"/hooks/maintenance_report_intake/retell", bytes.NewReader(body))
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the delivery was answered %d", resp.StatusCode)
	}
	for {
		select {
		case line := <-s.lines:
			if !strings.HasPrefix(line, "call_app.") {
				continue
			}
			if want := "call_app.completed maintenance_report_intake call=cust[phone] next_action=create_work_order"; line != want {
				t.Errorf("serve printed %q, want %q", line, want)
			}
			return
		case <-time.After(servertest.Guard):
			t.Fatal("serve printed no line for the event")
		}
	}
}
