package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/internal/version"
)

// TestFlagErrorsPrintUsage: a wrong flag says what is wrong and shows the
// command's flags, instead of exiting 2 in silence.
func TestFlagErrorsPrintUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "--bogus"}, "callspec lint: unknown flag: --bogus\n\nUsage: callspec lint "},
		{[]string{"serve", "--port", "9000"}, "callspec serve: unknown flag: --port\n\nUsage: callspec serve "},
		{[]string{"build", "--out"}, "callspec build: flag needs an argument: --out\n\nUsage: callspec build "},
		{[]string{"rules", "-x"}, "callspec rules: unknown shorthand flag: 'x' in -x\n\nUsage: callspec rules "},
	} {
		out, errOut, code := runCLI(t, c.args...)
		if code != exitError || out != "" || !strings.HasPrefix(errOut, c.want) || !strings.Contains(errOut, "\nFlags:\n") {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and stderr starting %q with the flags", strings.Join(c.args, " "), code, out, errOut, c.want)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || errOut != "" || out != version.Get().String() || !strings.HasPrefix(out, "callspec "+version.Version+"\n") {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr %q", args[0], code, out, errOut)
		}
	}
	if _, _, code := runCLI(t, "version", "extra"); code != exitError {
		t.Errorf("callspec version extra: exit %d, want 2", code)
	}
}

// TestQuiet: -q keeps what fails the run and drops the rest; the exit
// code does not change.
func TestQuiet(t *testing.T) {
	const cfg, bad = "testdata/empty-config.yaml", "testdata/lint/bad_cel.yaml"
	loud, _, loudCode := runCLI(t, "lint", "--config", cfg, bad)
	quiet, _, quietCode := runCLI(t, "lint", "--config", cfg, "-q", bad)
	if loudCode != exitFindings || quietCode != exitFindings {
		t.Fatalf("exit codes %d and %d, want 1 for both", loudCode, quietCode)
	}
	if !strings.Contains(loud, ": warning: ") {
		t.Fatalf("the fixture has no warning any more; pick another:\n%s", loud)
	}
	if strings.Contains(quiet, ": warning: ") || strings.Contains(quiet, ": info: ") || !strings.Contains(quiet, ": error: ") {
		t.Errorf("lint -q printed:\n%s", quiet)
	}
	// With --fail-on warning the warnings fail the run, so -q shows them.
	quiet, _, _ = runCLI(t, "lint", "--config", cfg, "--quiet", "--fail-on", "warning", bad)
	if !strings.Contains(quiet, ": warning: ") {
		t.Errorf("lint -q --fail-on warning hid the warnings:\n%s", quiet)
	}

	spec := filepath.Join("..", "..", "workflows", "maintenance_report_intake.yaml")
	out := filepath.Join(t.TempDir(), "gen")
	for _, args := range [][]string{
		{"build", "--config", cfg, "-q", "--out", out, spec},
		{"build", "--config", cfg, "-q", "--check", "--out", out, spec},
		{"test", "--config", cfg, "-q", spec},
	} {
		stdout, errOut, code := runCLI(t, args...)
		if code != exitOK || stdout != "" || errOut != "" {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr %q; want 0 and no output", strings.Join(args, " "), code, stdout, errOut)
		}
	}
	if stdout, _, _ := runCLI(t, "test", "--config", cfg, spec); !strings.Contains(stdout, "PASS ") {
		t.Errorf("test without -q shows no passing scenario:\n%s", stdout)
	}
}

// TestLintJUnitFailOn: lint passes --fail-on to the JUnit report, so a
// warning is a failing test case only when it fails the run.
func TestLintJUnitFailOn(t *testing.T) {
	const cfg, bad = "testdata/empty-config.yaml", "testdata/lint/bad_cel.yaml"
	out, _, _ := runCLI(t, "lint", "--config", cfg, "--format", "junit", bad)
	if strings.Contains(out, `type="warning"`) || !strings.Contains(out, "<system-out>"+bad) || !strings.Contains(out, `type="error"`) {
		t.Errorf("lint --format junit: the warning should be a passing case with system-out:\n%s", out)
	}
	out, _, _ = runCLI(t, "lint", "--config", cfg, "--format", "junit", "--fail-on", "warning", bad)
	if !strings.Contains(out, `type="warning"`) {
		t.Errorf("lint --format junit --fail-on warning: the warning should be a failure:\n%s", out)
	}
}
