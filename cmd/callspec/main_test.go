package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs callspec in-process with args.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(e, args)
	return out.String(), errb.String(), code
}

func TestLintTextFormat(t *testing.T) {
	out, _, code := runCLI(t, "lint", "--config", "testdata/empty-config.yaml", "--fail-on", "error", "testdata/lint/bad_cel.yaml")
	if code != exitFindings {
		t.Errorf("exit code %d, want %d", code, exitFindings)
	}
	want := `testdata/lint/bad_cel.yaml:9:25: error: "emergancy" is not a value of enum field "urgency", so this comparison can never match; did you mean "emergency"? [cel-type]
        fields.urgency == "emergancy"
                          ^~~~~~~~~~~
`
	// The spec also misses most of the quality gate; the CEL finding is
	// the one whose rendering (position, source line, caret) is checked.
	if !strings.Contains(out, want) {
		t.Errorf("text output:\n%s\nwant it to contain:\n%s", out, want)
	}
}

func TestLintJSONFormat(t *testing.T) {
	out, _, code := runCLI(t, "lint", "--config", "testdata/empty-config.yaml", "--format", "json", "testdata/lint/bad_cel.yaml")
	if code != exitFindings {
		t.Errorf("exit code %d", code)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var celType map[string]any
	for _, f := range got.Findings {
		if f["rule"] == "cel-type" {
			celType = f
		}
	}
	want := map[string]any{"rule": "cel-type", "severity": "error", "file": "testdata/lint/bad_cel.yaml",
		"line": 9.0, "column": 25.0, "end_line": 9.0, "end_column": 36.0}
	for k, v := range want {
		if celType[k] != v {
			t.Errorf("%s = %v, want %v (finding %v)", k, celType[k], v, celType)
		}
	}
	if got.Summary["error"] < 1 {
		t.Errorf("summary %v", got.Summary)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{}, exitError},
		{[]string{"nope"}, exitError},
		{[]string{"lint", "--format", "xml", "testdata/lint"}, exitError},
		{[]string{"lint", "--fail-on", "critical", "testdata/lint"}, exitError},
		{[]string{"lint", "does-not-exist.yaml"}, exitError},
		{[]string{"lint", "--bogus-flag"}, exitError},
		{[]string{"lint", "--help"}, exitOK},
		{[]string{"lint", "--config", "testdata/empty-config.yaml", "testdata/lint"}, exitFindings},
		{[]string{"explain", "cel-type"}, exitOK},
		{[]string{"explain", "cel-typo"}, exitError},
	}
	for _, tc := range cases {
		_, errOut, code := runCLI(t, tc.args...)
		if code != tc.want {
			t.Errorf("callspec %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), code, tc.want, errOut)
		}
	}
}

func TestWorkflowsLintCleanAndGeneratedIsFresh(t *testing.T) {
	root := filepath.Join("..", "..")
	out, errOut, code := runCLI(t, "lint", "--config", "testdata/empty-config.yaml", filepath.Join(root, "workflows"))
	if code != exitOK {
		t.Fatalf("workflows/ do not lint clean (exit %d):\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--check", "--out", filepath.Join(root, "generated"), filepath.Join(root, "workflows"))
	if code != exitOK {
		t.Fatalf("generated/ is stale (exit %d); run `go run ./cmd/callspec build`:\n%s%s", code, out, errOut)
	}
}

func TestBuildRefusesOnLintErrorsAndCheckReportsDrift(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "gen")
	_, errOut, code := runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--out", out, "testdata/lint/bad_cel.yaml")
	if code != exitFindings || !strings.Contains(errOut, "build refused") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("build wrote %s despite lint errors", out)
	}

	spec := filepath.Join("..", "..", "workflows", "maintenance_report_intake.yaml")
	stdout, _, code := runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--check", "--out", out, spec)
	if code != exitFindings || !strings.Contains(stdout, "missing: "+out+"/manifest.json") {
		t.Fatalf("check of an empty dir: exit %d\n%s", code, stdout)
	}
	if _, errOut, code := runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--out", out, spec); code != exitOK {
		t.Fatalf("build: exit %d: %s", code, errOut)
	}
	first, _ := os.ReadFile(filepath.Join(out, "maintenance_report_intake", "outcome.schema.json"))
	if _, _, code := runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--out", out, spec); code != exitOK {
		t.Fatal("second build failed")
	}
	second, _ := os.ReadFile(filepath.Join(out, "maintenance_report_intake", "outcome.schema.json"))
	if !bytes.Equal(first, second) || len(first) == 0 {
		t.Fatal("two builds differ")
	}
	stale := filepath.Join(out, "maintenance_report_intake", "outcome.schema.json")
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "extra.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = runCLI(t, "build", "--config", "testdata/empty-config.yaml", "--check", "--out", out, spec)
	if code != exitFindings || !strings.Contains(stdout, "stale:   "+stale) || !strings.Contains(stdout, "foreign: "+out+"/extra.txt") {
		t.Fatalf("check after drift: exit %d\n%s", code, stdout)
	}
	if b, _ := os.ReadFile(stale); string(b) != "{}" {
		t.Error("--check wrote a file")
	}
}
