package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// breakingRepo makes a git repository whose branch main holds the base
// spec of driver/breaking at workflows/repair.yaml, writes spec over it
// in the work tree and changes into it.
func breakingRepo(t *testing.T, spec func(base string) string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "driver", "breaking", "testdata", "base.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
		"GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
	} {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "workflows", "repair.yaml")
	write := func(content string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(base)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "specs"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write(spec(base))
	t.Chdir(dir)
	return dir
}

func renameNextAction(base string) string {
	return strings.Replace(base, "next_action: create_work_order", "next_action: open_ticket", 1)
}

const nextActionMessage = `next_action changed from "create_work_order" to "open_ticket" (it was at main:workflows/repair.yaml:31:14): the service's method for "create_work_order" is no longer called and one for "open_ticket" must be implemented; keep "create_work_order", or roll out the service with the new method first`

func TestBreakingFormats(t *testing.T) {
	breakingRepo(t, renameNextAction)
	out, errOut, code := runCLI(t, "breaking", "--against", "main")
	want := "workflows/repair.yaml:31:14: error: " + nextActionMessage + " [next-action-renamed]\n" +
		"  next_action: open_ticket\n" +
		"               ^~~~~~~~~~~\n" +
		"\n1 error, 0 warnings, 0 infos in 1 file\n"
	if code != exitFindings || out != want {
		t.Errorf("exit %d, output\n%s%s\nwant\n%s", code, out, errOut, want)
	}

	out, _, code = runCLI(t, "breaking", "workflows", "--against", "main", "--format", "github")
	want = "::error file=workflows/repair.yaml,line=31,col=14,endLine=31,endColumn=25,title=next-action-renamed::" + nextActionMessage + " [next-action-renamed]\n"
	if code != exitFindings || out != want {
		t.Errorf("github: exit %d\n%s\nwant\n%s", code, out, want)
	}

	out, _, code = runCLI(t, "breaking", "--against", "main", "--format", "json")
	var got struct {
		Findings []struct {
			Rule, File, Message string
			Line, Column        int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitFindings || len(got.Findings) != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if f := got.Findings[0]; f.Rule != "next-action-renamed" || f.File != "workflows/repair.yaml" || f.Line != 31 || f.Column != 14 || f.Message != nextActionMessage {
		t.Errorf("json finding %+v", f)
	}

	for format, prefix := range map[string]string{"sarif": "{", "junit": "<?xml"} {
		out, _, code = runCLI(t, "breaking", "--against", "main", "--format", format)
		if code != exitFindings || !strings.HasPrefix(out, prefix) || !strings.Contains(out, "next-action-renamed") {
			t.Errorf("%s: exit %d\n%s", format, code, out)
		}
	}
}

func TestBreakingExitCodes(t *testing.T) {
	dir := breakingRepo(t, renameNextAction)
	if err := os.WriteFile(filepath.Join(dir, "callspec.yaml"), []byte("rules:\n  WORKFLOW: warning\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--against", "main"}, exitOK}, // a warning, under --fail-on error
		{[]string{"--against", "main", "--fail-on", "warning"}, exitFindings},
		{[]string{"--against", "main", "--config", blankConfig(t)}, exitFindings}, // the default severity
		{[]string{"--against", "HEAD~1"}, exitError},                              // no such commit
		{[]string{}, exitError},                                                   // no --against
		{[]string{"--against", "main", "--format", "xml"}, exitError},
	} {
		out, errOut, code := runCLI(t, append([]string{"breaking"}, c.args...)...)
		if code != c.want {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.want, out, errOut)
		}
	}
	_, errOut, _ := runCLI(t, "breaking", "--against", "mian")
	if want := `callspec: the other version "mian" names no commit of the repository at `; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
}

// lint accepts a suppression of a breaking rule and leaves it to
// callspec breaking, which honours it.
func TestBreakingSuppressionInLint(t *testing.T) {
	breakingRepo(t, func(base string) string {
		s := strings.Replace(renameNextAction(base), "next_action: open_ticket", "next_action: open_ticket # callspec:ignore next-action-renamed the service has both methods", 1)
		return strings.Replace(s, "expect: {next_action: create_work_order}", "expect: {next_action: open_ticket}", 1)
	})
	for _, args := range [][]string{{"lint", "--config", blankConfig(t)}, {"breaking", "--against", "main"}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || out != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

func TestRulesListsBreaking(t *testing.T) {
	out, _, code := runCLI(t, "rules")
	for _, want := range []string{
		"\nFIELD: the fields of the events, as every consumer reads them\nfield-removed            error    a field of the other version is gone from the events\n",
		"\nenum-value-added         off      an enum field gained a value",
	} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("rules: exit %d, no %q in\n%s", code, want, out)
		}
	}
	out, _, code = runCLI(t, "explain", "field-renamed")
	if code != exitOK || !strings.HasPrefix(out, "field-renamed (callspec breaking, category FIELD, default severity: error)\n\na field was renamed") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "explain", "STRICT")
	if code != exitOK || !strings.Contains(out, "\nfield-added              off      ") {
		t.Errorf("explain STRICT: exit %d\n%s", code, out)
	}
}

// build --changes-against lists the changes on the docs page, from the
// same comparison; without it, the page is the committed one.
func TestBuildChangesAgainst(t *testing.T) {
	breakingRepo(t, func(base string) string {
		s := strings.Replace(renameNextAction(base), "expect: {next_action: create_work_order}", "expect: {next_action: open_ticket}", 1)
		return strings.Replace(s, "[leak, heating, other]", "[leak, heating, other, pest]", 1)
	})
	plain, with := t.TempDir(), t.TempDir()
	if out, errOut, code := runCLI(t, "build", "--out", plain); code != exitOK {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "build", "--out", with, "--changes-against", "main"); code != exitOK {
		t.Fatalf("build --changes-against: exit %d\n%s%s", code, out, errOut)
	}
	read := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, "repair_intake", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	section := "\n## Changes since `main`\n\n" +
		"What consumers of this workflow's events and its service see change. **Breaking** changes break them unless they are updated first (`callspec breaking` explains each).\n\n" +
		"- The field `issue_type` takes the new value `pest`.\n" +
		"- **Breaking:** The next action changed from `create_work_order` to `open_ticket`: the service must implement the new method.\n"
	const next = "\n## Opening disclosure\n"
	if got, want := read(with), strings.Replace(read(plain), next, section+next, 1); got != want {
		t.Errorf("page:\n%s\nwant:\n%s", got, want)
	}
	if _, errOut, code := runCLI(t, "build", "--check", "--changes-against", "main"); code != exitError || !strings.Contains(errOut, "cannot be combined with --check") {
		t.Errorf("--check --changes-against: exit %d\n%s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "build", "--out", with, "--changes-against", "mian"); code != exitError || !strings.Contains(errOut, `callspec: --changes-against: the other version "mian" names no commit`) {
		t.Errorf("unknown ref: exit %d\n%s", code, errOut)
	}
}

// blankConfig is a callspec.yaml that sets nothing (a configuration must
// be a regular file, so /dev/null is refused).
func blankConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "callspec.yaml")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
