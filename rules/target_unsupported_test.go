package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/lint"
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
