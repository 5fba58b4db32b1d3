package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildAndTestPrintLintsWarnings: build and test used to print none
// of the warnings lint found. They print them on stderr as lint's text
// report does, -q hides them, and a refusal shows the errors with them.
func TestBuildAndTestPrintLintsWarnings(t *testing.T) {
	one := filepath.Join("..", "..", "workflows", "human_handoff.yaml")
	out := filepath.Join(t.TempDir(), "gen")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"test", one}, handoffAlone},
		{[]string{"test", "-q", one}, ""},
		{[]string{"build", "--out", out, one}, handoffAlone},
		{[]string{"build", "-q", "--out", out, one}, ""},
	} {
		_, stderr, code := runCLI(t, append(tc.args, "--config", emptyConfig)...)
		if stderr != tc.stderr || code != exitOK {
			t.Errorf("callspec %s: exit %d, stderr:\n%s\nwant exit 0, stderr:\n%s", strings.Join(tc.args, " "), code, stderr, tc.stderr)
		}
	}

	const bad = "testdata/lint/bad_cel.yaml"
	lintOut, _, _ := runCLI(t, "lint", "--config", emptyConfig, bad)
	lintQuiet, _, _ := runCLI(t, "lint", "-q", "--config", emptyConfig, bad)
	if !strings.Contains(lintOut, ": warning: ") || strings.Contains(lintQuiet, ": warning: ") {
		t.Fatalf("%s no longer has both errors and a warning:\n%s", bad, lintOut)
	}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"test", bad}, lintOut + "callspec: test refused: lint found 7 errors; fix them and run it again\n"},
		{[]string{"test", "-q", bad}, lintQuiet + "callspec: test refused: lint found 7 errors; fix them and run it again\n"},
		{[]string{"build", "--out", out, bad}, lintOut + "callspec: build refused: lint found 7 errors; fix them and build again (nothing was written)\n"},
		{[]string{"build", "-q", "--out", out, bad}, lintQuiet + "callspec: build refused: lint found 7 errors; fix them and build again (nothing was written)\n"},
	} {
		stdout, stderr, code := runCLI(t, append(tc.args, "--config", emptyConfig)...)
		if stdout != "" || stderr != tc.stderr || code != exitFindings {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr:\n%s\nwant exit 1, stderr:\n%s", strings.Join(tc.args, " "), code, stdout, stderr, tc.stderr)
		}
	}
}
