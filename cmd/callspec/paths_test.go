package main

import (
	"strings"
	"testing"
)

// TestSpecPathsAreTheLastArguments: every command takes its spec files
// and directories as the arguments it ends with. decode's --workflows and
// send's --spec still work, with a one-line deprecation note; giving both
// forms is a usage error.
func TestSpecPathsAreTheLastArguments(t *testing.T) {
	const payload = "../../providers/retell/testdata/call_analyzed.json"
	decode := []string{"decode", "--config", emptyConfig, "--provider", "retell", "--format", "json"}
	want, stderr, code := runCLI(t, append(decode, payload, workflowsDir)...)
	if code != exitOK || want == "" {
		t.Fatalf("decode with the specs as arguments: exit %d, stderr:\n%s", code, stderr)
	}
	note := func(flag string) string {
		return "Flag --" + flag + " has been deprecated, give spec files or directories as the last arguments instead, as every command takes them\n"
	}
	stdout, stderr, code := runCLI(t, append(decode, "--workflows", workflowsDir, payload)...)
	if stdout != want || code != exitOK || !strings.HasPrefix(stderr, note("workflows")) {
		t.Errorf("decode --workflows: exit %d, stderr:\n%s\nwant exit 0, the same event, and stderr starting with:\n%s", code, stderr, note("workflows"))
	}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{append(decode, "--workflows", workflowsDir, payload, workflowsDir), note("workflows") + "callspec: spec paths are given both as arguments and with --workflows; give them as arguments only\n"},
		{[]string{"send", "--config", emptyConfig, "--provider", "retell", "--to", "http://127.0.0.1:9/", "--spec", workflowsDir, "wf", "1", workflowsDir},
			note("spec") + "callspec: spec paths are given both as arguments and with --spec; give them as arguments only\n"},
		{[]string{"send", "--config", emptyConfig, "--provider", "retell", "--to", "http://127.0.0.1:9/", "--spec", workflowsDir, "wf", "1"},
			note("spec") + "callspec: no workflow \"wf\" in the specs\n"},
		{[]string{"send", "--config", emptyConfig, "--provider", "retell", "--to", "http://127.0.0.1:9/", "wf", "1", workflowsDir},
			"callspec: no workflow \"wf\" in the specs\n"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if stderr != tc.stderr || code != exitError {
			t.Errorf("callspec %s: exit %d, stderr:\n%s\nwant exit 2, stderr:\n%s", strings.Join(tc.args, " "), code, stderr, tc.stderr)
		}
	}
}
