package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/driver/lint"
)

// execAuthoring runs the CLI in-process and returns the exit code, stdout
// and stderr.
func execAuthoring(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(e, args)
	return code, stdout.String(), stderr.String()
}

const wrongExpectation = "../../compiler/scenario/testdata/wrong_expectation.yaml"

func TestTestCommandPassesOnWorkflows(t *testing.T) {
	code, out, errOut := execAuthoring(t, "test", "../../workflows")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "FAIL") || !strings.Contains(out, "\nok: ") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(out, "PASS ../../workflows/maintenance_report_intake.yaml:82 maintenance_report_intake/routine leak → completed create_work_order\n") {
		t.Errorf("no PASS line for the routine leak:\n%s", out)
	}
}

func TestTestCommandFailsAtTheWrongExpectation(t *testing.T) {
	code, out, errOut := execAuthoring(t, "test", wrongExpectation)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFindings, out, errOut)
	}
	for _, want := range []string{
		"PASS " + wrongExpectation + ":54 wrong_expectation/routine leak → completed create_work_order\n",
		"FAIL " + wrongExpectation + ":63:65 wrong_expectation/sparking outlet with the wrong severity: expected severity normal, but handoff emergency_or_sensitive_request has severity urgent\n",
		"      expect: {handoff: emergency_or_sensitive_request, severity: normal}\n" +
			"                                                                  ^~~~~~\n",
		"FAIL " + wrongExpectation + ":68:27 wrong_expectation/flood expected to complete: ",
		"FAIL " + wrongExpectation + ":74:16 wrong_expectation/hung up early expected to complete: ",
		"\nFAIL: 3 of 4 scenarios failed in 1 workflow\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestTestCommandJSON(t *testing.T) {
	code, out, _ := execAuthoring(t, "test", "--format", "json", wrongExpectation)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Scenarios []struct {
			Workflow, Name, Kind, File, Message string
			Line, Column                        int
			Passed                              bool
			Got, Want                           map[string]any
		}
		Summary struct{ Passed, Failed int }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Summary.Passed != 1 || got.Summary.Failed != 3 || len(got.Scenarios) != 4 {
		t.Fatalf("summary %+v with %d scenarios", got.Summary, len(got.Scenarios))
	}
	s := got.Scenarios[1]
	if s.Passed || s.Line != 63 || s.Column != 65 || s.File != wrongExpectation || s.Kind != "sensitive" ||
		s.Got["severity"] != "urgent" || s.Want["severity"] != "normal" || s.Got["event"] != "call_app.handoff" || s.Message == "" {
		t.Errorf("scenario: %+v", s)
	}
}

func TestTestCommandRefusesSpecsWithLintErrors(t *testing.T) {
	content, err := os.ReadFile(wrongExpectation)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	broken := strings.Replace(string(content), `fields.urgency == "emergency"`, `fields.urgency == "emergancy"`, 1)
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := execAuthoring(t, "test", bad)
	if code != exitFindings || out != "" || !strings.Contains(errOut, "emergancy") || !strings.Contains(errOut, "test refused") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestSchemaCommandMatchesCommittedSchema(t *testing.T) {
	code, out, errOut := execAuthoring(t, "schema")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := os.ReadFile("../../schema/callspec.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Error("callspec schema differs from schema/callspec.schema.json; run go test ./compiler/specschema -update")
	}
}

// TestInitPassesLintTestAndBuild is the newcomer path: init, lint, test,
// build, for every platform.
func TestInitPassesLintTestAndBuild(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, p := range check.KnownTargets {
		id := "starter_" + p
		code, out, errOut := execAuthoring(t, "init", id, "--provider", p)
		if code != exitOK {
			t.Fatalf("init --provider %s: exit %d\n%s%s", p, code, out, errOut)
		}
		name := filepath.Join("workflows", id+".yaml")
		content, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(content), "# yaml-language-server: $schema=https://raw.githubusercontent.com/callspec/callspec/main/schema/callspec.schema.json\n") {
			t.Errorf("%s does not start with the schema modeline:\n%s", name, content)
		}
		res, err := lint.Run([]string{name}, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			// A platform that cannot type a field says so; that is a
			// fact about the platform, not a fault of the starter.
			if f.Rule == "target-unsupported" {
				continue
			}
			t.Errorf("%s:%d:%d: %s: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Severity, f.Message, f.Rule)
		}
	}
	if code, out, errOut := execAuthoring(t, "lint"); code != exitOK {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := execAuthoring(t, "test")
	if code != exitOK || !strings.Contains(out, "ok: ") {
		t.Errorf("test: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Count(out, "PASS ") != 3*len(check.KnownTargets) {
		t.Errorf("want 3 scenarios per starter:\n%s", out)
	}
	if code, out, errOut := execAuthoring(t, "build"); code != exitOK {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join("generated", "starter_retell", "README.md")); err != nil {
		t.Error(err)
	}
	if code, _, errOut := execAuthoring(t, "init", "starter_retell"); code != exitError || !strings.Contains(errOut, "already exists") {
		t.Errorf("init over an existing spec: exit %d: %s", code, errOut)
	}
}

func TestInitModelinePointsAtTheRepositorySchema(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("schema", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("schema", "callspec.schema.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{"workflows": "../schema/callspec.schema.json", "specs/phone": "../../schema/callspec.schema.json"} {
		if code, _, errOut := execAuthoring(t, "init", "modeline", "--dir", dir); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		content, err := os.ReadFile(filepath.Join(dir, "modeline.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if line, _, _ := strings.Cut(string(content), "\n"); line != "# yaml-language-server: $schema="+want {
			t.Errorf("--dir %s: modeline %q, want $schema=%s", dir, line, want)
		}
	}
}

func TestInitRefusesBadInput(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "Usage: callspec init"},
		{[]string{"init", "My-Flow"}, `try "my_flow"`},
		{[]string{"init", "ok_id", "--provider", "retel"}, `did you mean "retell"?`},
	}
	for _, tt := range tests {
		code, _, errOut := execAuthoring(t, tt.args...)
		if code != exitError || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d: %s", tt.args, code, errOut)
		}
	}
	if _, err := os.Stat("workflows"); err == nil {
		t.Error("a refused init wrote files")
	}
}
