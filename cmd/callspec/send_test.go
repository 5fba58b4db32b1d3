package main

import (
	"bytes"
	"fmt"
	"net/url"
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

// TestSendAuthenticatesAsThePlatform: send produces each platform's own
// authentication, with no X-Callspec-Secret: Synthflow's token at the end
// of the URL (appended to --to, or filled into the ${NAME} placeholder of
// the URL its config shows), Vapi's HMAC credential headers, Retell's
// signature with its own key. Neither the token nor a secret is printed.
func TestSendAuthenticatesAsThePlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	s := startServe(t)
	base := s.base + "/hooks/maintenance_report_intake/"
	for i, c := range []struct{ provider, to string }{
		{"synthflow", base + "synthflow"},
		{"synthflow", base + "synthflow/${SYNTHFLOW_URL_TOKEN}"},
		{"synthflow", base + "synthflow/" + url.PathEscape(serveSecret)},
		{"vapi", base + "vapi"},
		{"retell", base + "retell"},
		{"bland", base + "bland"},
	} {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(name string) string {
			if slices.Contains(serveSecretEnv, name) {
				return serveSecret
			}
			return ""
		}}
		code := run(e, []string{"send", "maintenance_report_intake", "routine leak", "--provider", c.provider,
			"--to", c.to, "--call-id", fmt.Sprintf("send_auth_%d", i), "../../workflows"})
		if code != exitOK || !strings.Contains(out.String(), "→ 200 OK") {
			t.Errorf("send --provider %s --to %s: exit %d\n%s%s", c.provider, c.to, code, out.String(), errb.String())
		}
		if strings.Contains(out.String()+errb.String(), serveSecret[6:]) {
			t.Errorf("send printed the secret:\n%s%s", out.String(), errb.String())
		}
	}
	// A wrong token is refused, and the error names the URL masked.
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(name string) string {
		if name == "SYNTHFLOW_URL_TOKEN" {
			return "whsec_" + strings.Repeat("B", 32)
		}
		return ""
	}}
	if code := run(e, []string{"send", "maintenance_report_intake", "routine leak", "--provider", "synthflow", "--to", base + "synthflow", "../../workflows"}); code != exitFindings || !strings.Contains(out.String(), "401") {
		t.Errorf("send with another token: exit %d\n%s%s", code, out.String(), errb.String())
	}
}
