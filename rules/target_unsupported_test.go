package rules_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/driver/lint"
)

// TestTargetUnsupportedWants checks the rule against the `# want
// target-unsupported` comments of its testdata, in both directions, until
// the shared harness covers every rule's testdata.
func TestTargetUnsupportedWants(t *testing.T) {
	dir := filepath.Join("testdata", "target-unsupported")
	res, err := lint.Run([]string{dir}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type at struct {
		file string
		line int
	}
	var got, want []at
	for _, f := range res.Findings {
		if f.Rule == "target-unsupported" {
			got = append(got, at{filepath.ToSlash(f.Range.File), f.Range.Start.Line})
		}
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "# want target-unsupported") {
				want = append(want, at{filepath.ToSlash(p), i + 1})
			}
		}
	}
	less := func(a, b at) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return a.line - b.line
	}
	slices.SortFunc(got, less)
	slices.SortFunc(want, less)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("findings at %v, want %v", got, want)
	}
}

// TestTargetUnsupportedSeverity: a loss the handler handles (Synthflow's
// number as text, Retell's integer as number) is info; a value the
// platform cannot deliver at all (CallCow) is a warning, and so is a
// disclosure too long for Bland's first_sentence.
func TestTargetUnsupportedSeverity(t *testing.T) {
	want := map[string]string{
		"bland_long_disclosure.yaml": "warning",
		"retell_integer.yaml":        "info",
		"synthflow_number.yaml":      "info",
		"callcow_transcript.yaml":    "warning",
	}
	res, err := lint.Run([]string{filepath.Join("testdata", "target-unsupported")}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		if f.Rule == "target-unsupported" {
			got[filepath.Base(f.Range.File)] += f.Severity.String()
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("severities %v, want %v", got, want)
	}
}

// TestTargetUnsupportedSpokenText: the Bland finding names the spoken
// text, its length and the limit, not a field.
func TestTargetUnsupportedSpokenText(t *testing.T) {
	res, err := lint.Run([]string{filepath.Join("testdata", "target-unsupported", "bland_long_disclosure.yaml")}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "target bland cannot take the spec as written: the disclosure, sent as first_sentence, has 251 characters, and Bland documents first_sentence as less than 200; shorten the disclosure so the caller hears all of it"
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "target-unsupported" {
			got = append(got, f.Message)
		}
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings %q, want [%q]", got, want)
	}
}
