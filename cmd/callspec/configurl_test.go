package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/kernel/workflow"
)

// TestConfigURLsReachTheirHandlers: for every workflow in workflows/ and
// every target, the webhook URL the platform is configured with (in
// generated/<id>/providers/<P>.json; for a platform without a config, the
// URL its setup names) has the path where `callspec serve` answers that
// platform: a delivery shaped and signed as P, posted there, is accepted.
func TestConfigURLsReachTheirHandlers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	res, err := lint.Run([]string{"../../workflows"}, lint.Options{IROnly: true})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	var vars []string
	for _, u := range res.Units {
		if _, ok := secrets[u.IR.Webhook.SecretEnv]; !ok {
			secrets[u.IR.Webhook.SecretEnv] = serveSecret
			vars = append(vars, u.IR.Webhook.SecretEnv+"="+serveSecret)
		}
	}
	s := startServeWith(t, vars, "../../workflows")
	for _, u := range res.Units {
		w := u.IR
		scenario := routineScenario(t, w)
		for _, p := range w.Targets {
			t.Run(w.ID+"/"+p, func(t *testing.T) {
				hook := configuredURL(t, w, p)
				var out, errb bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(name string) string { return secrets[name] }}
				code := run(e, []string{"send", w.ID, scenario, "--provider", p, "--to", s.base + hook.Path,
					"--call-id", "config_url_" + w.ID + "_" + p, "--spec", "../../workflows"})
				if code != exitOK || !strings.Contains(out.String(), "→ 200 OK") {
					t.Errorf("%s posted to %s (the path of %s): exit %d\n%s%s", p, hook.Path, hook, code, out.String(), errb.String())
				}
			})
		}
	}
}

// configuredURL is the webhook URL of platform p for w: the one string of
// its generated config that extends webhook.url, or, for a platform that
// has no config, workflow.PlatformURL (what its docs page tells the user
// to paste).
func configuredURL(t *testing.T, w *ir.Workflow, p string) *url.URL {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", "..", "generated", w.ID, "providers", p+".json"))
	if os.IsNotExist(err) {
		u, err := workflow.PlatformURL(w.Webhook.URL, p)
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
	u, err := url.Parse(found[0])
	if err != nil {
		t.Fatal(err)
	}
	return u
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
