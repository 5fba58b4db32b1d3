package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestSendCallIDAndDuplicate: `callspec send --call-id` posts a delivery
// with that call id; sent again, the handler answers with its first answer
// and send says that it was a duplicate instead of showing a plain 200.
func TestSendCallIDAndDuplicate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	s := startServe(t)
	send := func() (int, string, string) {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(name string) string {
			if slices.Contains(serveSecretEnv, name) {
				return serveSecret
			}
			return ""
		}}
		code := run(e, []string{"send", "maintenance_report_intake", "routine leak", "--provider", "retell",
			"--to", s.base + "/hooks/maintenance_report_intake/retell", "--call-id", "send_twice_1", "../../workflows"})
		return code, out.String(), errb.String()
	}
	code, first, errOut := send()
	if code != exitOK || !strings.Contains(first, `call send_twice_1 → 200 OK`) || strings.Contains(first, "duplicate") {
		t.Fatalf("first send: exit %d\n%s%s", code, first, errOut)
	}
	code, again, errOut := send()
	if code != exitOK {
		t.Fatalf("second send: exit %d\n%s%s", code, again, errOut)
	}
	firstAnswer := strings.SplitN(first, "\n", 2)[1]
	if want := firstAnswer + "duplicate of an earlier delivery of call send_twice_1: the handler answered with its first answer and did not run the service again\n"; !strings.HasSuffix(again, want) {
		t.Errorf("second send printed:\n%s\nwant it to end with:\n%s", again, want)
	}
}
