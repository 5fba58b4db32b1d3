package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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

// startServe runs `callspec serve` on a free port over the example
// workflows with a memory store and returns its base URL.
func startServe(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--store", "memory:", "../../workflows")
	cmd.Env = append(os.Environ(), "CALLSPEC_TEST_RUN_MAIN=1", "MAINTENANCE_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
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
			url, _, _ := strings.Cut(rest, " ")
			go io.Copy(io.Discard, out)
			return url
		}
	}
	t.Fatalf("callspec serve exited before it listened: %v", lines.Err())
	return ""
}

// TestServeRefusesHugeHeaders checks the header limit of `callspec serve`
// (http.Server.MaxHeaderBytes, limit max-header-size): a request whose
// headers exceed it is answered 431 before any handler runs.
func TestServeRefusesHugeHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	base := startServe(t)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range []struct {
		size int
		want int
	}{
		{8 << 10, http.StatusOK},
		{maxHeaderBytes + 8<<10, http.StatusRequestHeaderFieldsTooLarge},
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
