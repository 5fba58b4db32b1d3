package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
)

// TestConfigURLsReachTheirHandlers: for every workflow in workflows/ and
// every target, a delivery posted the way the vendor posts it reaches the
// handler that verifies and decodes it: to the webhook URL the platform is
// configured with (in generated/<id>/providers/<P>.json; for a platform
// without a config, the URL its setup names), its token placeholder
// filled in with the platform's secret, with the vendor's own headers only
// (its signature, Vapi's credential; nothing for a URL-token platform).
// It is accepted; without its authentication it is 401.
func TestConfigURLsReachTheirHandlers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	checkConfigURLs(t, "../../workflows", "../../generated")
}

// TestConfigURLsReachTheirHandlersOnEveryPlatform: the same for a starter
// that targets all seven platforms (no workflow in workflows/ targets
// CallCow or Phonely), built as a user builds it.
func TestConfigURLsReachTheirHandlersOnEveryPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errOut := execAuthoring(t, "init", "every_platform", "--provider", strings.Join(check.KnownTargets, ",")); code != exitOK {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	if code, out, errOut := execAuthoring(t, "build"); code != exitOK {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	checkConfigURLs(t, filepath.Join(dir, "workflows"), filepath.Join(dir, "generated"))
}

// checkConfigURLs serves the workflows of dir, whose output is in
// generated, and posts each target's delivery to its configured URL.
func checkConfigURLs(t *testing.T, dir, generated string) {
	t.Helper()
	res, err := lint.Run([]string{dir}, lint.Options{IROnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// One secret per environment variable, each different, so that a
	// platform verified with another platform's secret fails.
	secrets := map[string]string{}
	var vars []string
	for _, u := range res.Units {
		def := u.IR.Definition()
		for _, p := range u.IR.Targets {
			env := def.Platform(p).SecretEnv
			if _, ok := secrets[env]; !ok {
				sum := sha256.Sum256([]byte(env))
				secrets[env] = "whsec_" + base64.StdEncoding.EncodeToString(sum[:])
				vars = append(vars, env+"="+secrets[env])
			}
		}
	}
	s := startServeWith(t, vars, dir)
	for _, u := range res.Units {
		w := u.IR
		sc, err := findScenario(w, routineScenario(t, w))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range w.Targets {
			t.Run(w.ID+"/"+name, func(t *testing.T) {
				platform := w.Platform(name)
				secret := secrets[platform.SecretEnv]
				p, err := providers.Lookup(name)
				if err != nil {
					t.Fatal(err)
				}
				if p, err = providers.WithAuth(p, platform.Auth); err != nil {
					t.Fatal(err)
				}
				in := sc.Inbound()
				in.Call.ID, in.Call.Provider = "config_url_"+w.ID+"_"+name, name
				body, err := p.Encode(in, w.Definition())
				if err != nil {
					t.Fatal(err)
				}
				headers, err := p.Sign([]byte(secret), body, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				configured := configuredURL(t, generated, w, name)
				placeholder := workflow.Placeholder(platform.SecretEnv)
				if got := strings.Contains(configured, placeholder); got != (platform.Auth == workflow.AuthURLToken) {
					t.Fatalf("the configured URL %s holds the token placeholder %s: %v, want %v (auth %s)", configured, placeholder, got, !got, platform.Auth)
				}
				hook, err := url.Parse(strings.Replace(configured, placeholder, url.PathEscape(secret), 1))
				if err != nil {
					t.Fatal(err)
				}
				// Accepted: decided into one event, not ignored.
				if status, answer := postTo(t, s.base+hook.EscapedPath(), body, headers); status != http.StatusOK || !strings.Contains(answer, `"status":"accepted"`) {
					t.Errorf("%s posted to the path of %s: %d %s, want 200 and an accepted event", name, configured, status, answer)
				}
				// Unauthenticated: no headers, and no token (or a wrong one).
				bare := strings.Replace(configured, "/"+placeholder, "", 1)
				wrong := strings.Replace(configured, placeholder, "not-the-token", 1)
				for _, target := range []string{bare, wrong} {
					u, _ := url.Parse(target)
					if status, answer := postTo(t, s.base+u.EscapedPath(), body, nil); status != http.StatusUnauthorized {
						t.Errorf("%s posted to %s without its authentication: %d %s, want 401", name, target, status, answer)
					}
				}
			})
		}
	}
	logs := s.stderr()
	for _, secret := range secrets {
		if strings.Contains(logs, secret) || strings.Contains(logs, url.PathEscape(secret)) {
			t.Errorf("a secret reached callspec serve's log:\n%s", logs)
		}
	}
}

// postTo posts body with headers and returns the status and answer.
func postTo(t *testing.T, target string, body []byte, headers http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range headers {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// configuredURL is the webhook URL of platform p for w: the one string of
// its generated config that extends webhook.url, or, for a platform that
// has no config, workflow.ConfiguredURL (what its docs page tells the
// user to paste).
func configuredURL(t *testing.T, generated string, w *ir.Workflow, p string) string {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(generated, w.ID, "providers", p+".json"))
	if os.IsNotExist(err) {
		u, err := workflow.ConfiguredURL(w.Webhook.URL, w.Platform(p))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(content, &doc); err != nil {
		t.Fatal(err)
	}
	var found []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.HasPrefix(v, w.Webhook.URL) {
				found = append(found, v)
			}
		}
	}
	walk(doc)
	if len(found) != 1 {
		t.Fatalf("providers/%s.json holds %d webhook URLs (%v), want 1", p, len(found), found)
	}
	return found[0]
}

// routineScenario is the name of w's first routine scenario.
func routineScenario(t *testing.T, w *ir.Workflow) string {
	t.Helper()
	for _, s := range w.Tests {
		if s.Kind == ir.KindRoutine {
			return s.Name
		}
	}
	t.Fatalf("%s has no routine scenario", w.ID)
	return ""
}
