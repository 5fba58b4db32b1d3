package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/spec"
)

// runCLIWithStdin runs callspec in-process with args and stdin.
func runCLIWithStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(e, args)
	return out.String(), errb.String(), code
}

// TestLintReadsASpecFromStdin: `callspec lint -` lints what an editor
// pipes in, under the name --stdin-filename gives, with positions,
// suppressions, the size limit and the callspec.yaml of that name's
// directory.
func TestLintReadsASpecFromStdin(t *testing.T) {
	b, err := os.ReadFile("../../workflows/human_handoff.yaml")
	if err != nil {
		t.Fatal(err)
	}
	handoff := string(b)
	const line = `  related: [maintenance_report_intake, "https://callurl.example.com/guides/compliance"]`
	if !strings.Contains(handoff, line+"\n") {
		t.Fatalf("workflows/human_handoff.yaml no longer has the line %q", line)
	}
	warning := func(name string) string {
		return name + `:88:13: warning: related workflow "maintenance_report_intake" is not declared by any spec linted with this one; check the id, or lint the whole workflows/ directory together [related-link]
  ` + line + `
              ^~~~~~~~~~~~~~~~~~~~~~~~~

0 errors, 1 warning, 0 infos in 1 file
`
	}
	suppressed := strings.Replace(handoff, line+"\n", line+" # callspec:ignore related-link linted alone\n", 1)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "callspec.yaml"), []byte("rules:\n  related-link: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(dir, "workflows", "handoff.yaml")
	tooLarge := "callspec: 1\n" + strings.Repeat("#", spec.MaxFileSize)
	for _, tc := range []struct {
		stdin          string
		args           []string
		stdout, stderr string
		code           int
	}{
		{handoff, []string{"lint", "--config", emptyConfig, "-"}, warning("<stdin>"), "", exitOK},
		{handoff, []string{"lint", "--config", emptyConfig, "--stdin-filename", "workflows/handoff.yaml", "-"}, warning("workflows/handoff.yaml"), "", exitOK},
		{suppressed, []string{"lint", "--config", emptyConfig, "--fail-on", "info", "-"}, "", "", exitOK},
		// callspec.yaml of the named file's directory or a parent
		{handoff, []string{"lint", "--stdin-filename", named, "-"}, "", "", exitOK},
		{tooLarge, []string{"lint", "--config", emptyConfig, "-"}, "<stdin>:1:1: error: the file is 1.0 MiB; a spec may be at most 1.0 MiB (limit max-file-size), so split it into several workflows [syntax]\n\n1 error, 0 warnings, 0 infos in 1 file\n", "", exitFindings},
		{"", []string{"lint", "-", "-"}, "", "callspec: stdin (-) is named twice; a spec can be read from it once\n", exitError},
		{handoff, []string{"build", "--config", emptyConfig, "-"}, "", "callspec: this command reads no spec from stdin (-); name spec files or the directories that hold them\n", exitError},
	} {
		stdout, stderr, code := runCLIWithStdin(t, tc.stdin, tc.args...)
		if stdout != tc.stdout || stderr != tc.stderr || code != tc.code {
			t.Errorf("callspec %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}
