package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/driver/lint"
)

// TestImportSkeletonsLint imports the seed schemas (as pages and as bare
// JSON) and a generated callurl.json, and lints the results: a skeleton
// must have no error finding, and `callspec test` must pass on it.
func TestImportSkeletonsLint(t *testing.T) {
	dir := t.TempDir()
	inputs := map[string][]string{
		"seed000.yaml": {"import", "callurl", "../../providers/callurl/callurlconfig/testdata/schema/seed_000.json"},
		"seed001.yaml": {"import", "callurl", "../../providers/callurl/callurlconfig/testdata/schema/seed_001.json", "--id", "handoff_import"},
		"rich.yaml":    {"import", "callurl", "testdata/import/rich_schema.json"},
	}
	if page := filepath.Join("..", "..", "..", "shared", "seeds", "000_3f287b3d1f6fc83c.txt"); fileExists(page) {
		inputs["page.yaml"] = []string{"import", "callurl", page, "--id", "page_import"}
	}
	for name, args := range inputs {
		out, stderr, code := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := lint.Run([]string{dir}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity >= diag.Error {
			t.Errorf("%s:%d:%d: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Message, f.Rule)
		}
	}
	if len(res.Units) != len(inputs) {
		t.Fatalf("%d specs checked, want %d", len(res.Units), len(inputs))
	}
	_, stderr, code := runCLI(t, "test", dir)
	if code != exitOK {
		t.Errorf("callspec test on the skeletons: exit %d: %s", code, stderr)
	}
	seed, _ := os.ReadFile(filepath.Join(dir, "seed000.yaml"))
	for _, want := range []string{"id: create_an_ai_phone_workflow_with_a_webhook", "#   caller_id         → caller.phone_e164", "summary:\n    type: text"} {
		if !strings.Contains(string(seed), want) {
			t.Errorf("seed 000 skeleton lacks %q:\n%s", want, seed)
		}
	}
	if strings.Contains(string(seed), "  workflow_id:\n") {
		t.Error("envelope metadata became a field")
	}
	rich, _ := os.ReadFile(filepath.Join(dir, "rich.yaml"))
	for _, want := range []string{"values: [leak, heating, \"no\"]", "type: list\n    items: email", "TODO: CallURL type \"money\"", "url: \"https://ops.example.com/hooks/rich\"\n"} {
		if !strings.Contains(string(rich), want) {
			t.Errorf("rich skeleton lacks %q:\n%s", want, rich)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestImportUsage(t *testing.T) {
	for _, args := range [][]string{{"import"}, {"import", "vapi", "x.json"}, {"import", "callurl"}, {"import", "callurl", "x.json", "--id", "Bad-Id"}, {"import", "callurl", "missing.json"}} {
		if _, _, code := runCLI(t, args...); code != exitError {
			t.Errorf("%v: exit %d, want %d", args, code, exitError)
		}
	}
}
