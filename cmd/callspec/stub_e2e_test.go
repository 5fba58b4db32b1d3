package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/stdwebhooks"
)

// TestStubInAUsersModule is what a new user does: a module of their own
// (outside this repository, requiring callspec through a replace
// directive), callspec init and callspec build there, the stub copied to
// main.go unedited, go build, and the binary run. Every target platform's
// correctly signed delivery, posted to <webhook.url path>/<platform>, is
// answered 2xx, and each completed call reaches the forward target,
// signed with Standard Webhooks.
func TestStubInAUsersModule(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH, so a user's module cannot be built; install Go to run this test")
	}
	if testing.Short() {
		t.Skip("builds a program (about 20 s); not with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}

	// The forward target, which checks the Standard Webhooks signature.
	fwKey := bytes.Repeat([]byte{7}, 24)
	forwarded := make(chan map[string]any, 16)
	fw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := stdwebhooks.Verify(r.Header, body, time.Now(), 5*time.Minute, fwKey); err != nil {
			t.Errorf("forwarded delivery: %v", err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev map[string]any
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("forwarded body: %v", err)
		}
		forwarded <- ev
	}))
	defer fw.Close()

	mod := t.TempDir()
	t.Chdir(mod)
	goCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		// The module cache is warm: callspec's requirements are the
		// user's, and its go.sum has their sums.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	goCmd("mod", "init", "example.com/acme/voice")
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gomod = fmt.Appendf(gomod, "\nrequire github.com/callspec/callspec v0.0.0\n\nreplace github.com/callspec/callspec => %s\n", root)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("go.mod", gomod, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("go.sum", sum, 0o644); err != nil {
		t.Fatal(err)
	}

	const id = "voice_intake"
	if code, out, errOut := execAuthoring(t, "init", id); code != exitOK {
		t.Fatalf("init: exit %d\n%s%s", code, out, errOut)
	}
	specFile := filepath.Join("workflows", id+".yaml")
	spec, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	targets := []string{"callurl", "vapi", "retell", "synthflow"}
	s := strings.Replace(string(spec), "targets: [callurl]", "targets: ["+strings.Join(targets, ", ")+"]", 1)
	s = strings.Replace(s, "  idempotency_key: call.id\n", "  idempotency_key: call.id\n"+
		"  # callspec:ignore webhook-url the test's forward target listens on loopback, without TLS\n"+
		"  forward: {url: \""+fw.URL+"/in\", secret: \"env:CRM_SECRET\", max_attempts: 3}\n"+
		"  platforms:\n    retell: {secret: env:VOICE_RETELL_API_KEY}\n    synthflow: {secret: env:VOICE_SYNTHFLOW_URL_TOKEN}\n", 1)
	if err := os.WriteFile(specFile, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := execAuthoring(t, "build", "--quiet"); code != exitOK {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	stub, err := os.ReadFile(filepath.Join("generated", id, "service.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(stub, []byte(`"example.com/acme/voice/generated/voice_intake/voiceintake"`)) {
		t.Fatalf("the stub does not import the package from the user's module:\n%s", stub)
	}
	if err := os.MkdirAll(filepath.Join("cmd", "voice"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("cmd", "voice", "main.go"), stub, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(mod, "voice")
	goCmd("build", "-o", bin, "./cmd/voice")

	// Retell has its own secret (its API key); Synthflow's is the token at
	// the end of its URL, a variable of its own (rule url-token-shared).
	const secret, retellKey, synthflowToken = "e2e-signing-secret", "e2e-retell-api-key", "e2e-synthflow-url-token"
	srv := exec.Command(bin)
	srv.Env = append(os.Environ(),
		"CALLSPEC_ADDR=127.0.0.1:0",
		"CALLSPEC_STORE=sqlite:"+filepath.Join(mod, "callspec.db"),
		"VOICE_INTAKE_WEBHOOK_SECRET="+secret,
		"VOICE_RETELL_API_KEY="+retellKey,
		"VOICE_SYNTHFLOW_URL_TOKEN="+synthflowToken,
		"CRM_SECRET=whsec_"+base64.StdEncoding.EncodeToString(fwKey),
	)
	logs, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// At the end the stub is stopped as a platform's host stops it, and
	// must say that it stopped (after its workers finished).
	stopped := make(chan bool, 1)
	defer func() {
		srv.Process.Signal(os.Interrupt)
		if !<-stopped {
			t.Error("the stub did not log that it stopped after SIGINT")
		}
		srv.Wait()
	}()
	// The stub logs one JSON line per route, then the address it listens
	// on; the rest of its log is read on so that it never blocks.
	lines := bufio.NewScanner(logs)
	var addr string
	var routes []string
	for addr == "" && lines.Scan() {
		var rec struct{ Msg, Addr, Path string }
		if json.Unmarshal(lines.Bytes(), &rec) != nil {
			t.Fatalf("the stub logged a line that is not JSON: %s", lines.Bytes())
		}
		switch rec.Msg {
		case "route":
			routes = append(routes, rec.Path)
		case "listening":
			addr = rec.Addr
		}
	}
	if addr == "" {
		t.Fatalf("the stub stopped before listening: %v", lines.Err())
	}
	go func() {
		seen := false
		for lines.Scan() {
			var rec struct{ Msg string }
			if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "stopped" {
				seen = true
			}
		}
		stopped <- seen
	}()

	res, err := lint.RunFiles([]string{specFile}, lint.Options{Parallelism: 1, IROnly: true})
	if err != nil || len(res.Units) != 1 {
		t.Fatalf("lint the spec: %v", err)
	}
	w := res.Units[0].IR
	def := w.Definition()
	sc, err := findScenario(w, "caller books a visit")
	if err != nil {
		t.Fatal(err)
	}
	var wantRoutes []string
	for i, name := range targets {
		path, err := workflow.HookPath(w.Webhook.URL, name)
		if err != nil {
			t.Fatal(err)
		}
		shown := path
		if name == "synthflow" {
			shown += "/{token}" // the token itself is never logged
		}
		wantRoutes = append(wantRoutes, shown)
		p, err := providers.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		in := sc.Inbound()
		in.Call.ID = fmt.Sprintf("e2e_%d", i)
		in.Call.Provider = name
		body, err := p.Encode(in, def)
		if err != nil {
			t.Fatal(err)
		}
		key, target := secret, path
		switch name {
		case "retell":
			key = retellKey
		case "synthflow":
			target += "/" + synthflowToken
		}
		headers, err := p.Sign([]byte(key), body, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+target, bytes.NewReader(body))
		req.Header = headers
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Errorf("%s at %s: %s %s", name, path, resp.Status, answer)
		}
	}
	if strings.Join(routes, " ") != strings.Join(wantRoutes, " ") {
		t.Errorf("the stub serves %v, want %v", routes, wantRoutes)
	}
	if t.Failed() {
		return
	}
	got := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(got) < len(targets) {
		select {
		case ev := <-forwarded:
			call, _ := ev["call"].(map[string]any)
			if ev["event"] != "call_app.completed" || ev["next_action"] != "create_follow_up_task" {
				t.Errorf("forwarded %v", ev)
			}
			got[fmt.Sprint(call["provider"])] = true
		case <-deadline:
			t.Fatalf("after 30 s the forward target got events from %v, want one from each of %v", got, targets)
		}
	}
}
