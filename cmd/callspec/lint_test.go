package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runTTY runs callspec as if stdout were a terminal, with the given
// environment.
func runTTY(t *testing.T, vars map[string]string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, isTTY: true, getenv: func(k string) string { return vars[k] }}
	code := run(e, args)
	return out.String(), code
}

func TestLintColourOnlyOnTerminals(t *testing.T) {
	args := []string{"lint", "--config", "testdata/empty-config.yaml", "testdata/lint/bad_cel.yaml"}
	if out, _ := runTTY(t, nil, args...); !strings.Contains(out, "\x1b[31merror\x1b[0m") {
		t.Errorf("no colour on a terminal:\n%q", out)
	}
	for name, vars := range map[string]map[string]string{
		"NO_COLOR":  {"NO_COLOR": "1"},
		"TERM=dumb": {"TERM": "dumb"},
	} {
		if out, _ := runTTY(t, vars, args...); strings.Contains(out, "\x1b[") {
			t.Errorf("%s: colour despite it:\n%q", name, out)
		}
	}
	if out, _, _ := runCLI(t, args...); strings.Contains(out, "\x1b[") {
		t.Errorf("colour when stdout is not a terminal:\n%q", out)
	}
	if out, _ := runTTY(t, nil, append(args, "--format", "json")...); strings.Contains(out, "\x1b[") {
		t.Errorf("colour in JSON output")
	}
}

func TestLintFormats(t *testing.T) {
	base := []string{"lint", "--config", "testdata/empty-config.yaml", "testdata/lint/bad_cel.yaml", "--format"}
	checks := map[string]func(string) bool{
		"sarif": func(out string) bool {
			var v struct {
				Version string `json:"version"`
			}
			return json.Unmarshal([]byte(out), &v) == nil && v.Version == "2.1.0"
		},
		"github": func(out string) bool {
			return strings.Contains(out, "::error file=testdata/lint/bad_cel.yaml,line=9,col=25,")
		},
		"junit": func(out string) bool {
			return strings.HasPrefix(out, "<?xml") && strings.Contains(out, `<testsuite name="testdata/lint/bad_cel.yaml"`)
		},
	}
	for format, ok := range checks {
		out, errOut, code := runCLI(t, append(base, format)...)
		if code != exitFindings || !ok(out) {
			t.Errorf("--format %s: exit %d\n%s%s", format, code, out, errOut)
		}
	}
}

// TestLintFailOn: warnings fail the run only at --fail-on warning.
func TestLintFailOn(t *testing.T) {
	// Only a warning: the related workflow is not in the linted set.
	spec := filepath.Join("..", "..", "workflows", "human_handoff.yaml")
	for failOn, want := range map[string]int{"error": exitOK, "warning": exitFindings, "info": exitFindings} {
		out, errOut, code := runCLI(t, "lint", "--config", "testdata/empty-config.yaml", "--fail-on", failOn, spec)
		if code != want {
			t.Errorf("--fail-on %s: exit %d, want %d\n%s%s", failOn, code, want, out, errOut)
		}
	}
}
