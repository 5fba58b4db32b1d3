package lint

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
)

// testdataDirs are the rule testdata directories: many specs with many
// findings of every rule.
func testdataDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "..", "rules", "testdata", "*"))
	if err != nil || len(dirs) < 20 {
		t.Fatalf("rules testdata: %v (%d dirs)", err, len(dirs))
	}
	return dirs
}

// TestParallelEqualsSerial lints the same files with one worker and with
// many: the results must be identical, finding for finding.
func TestParallelEqualsSerial(t *testing.T) {
	files, err := ExpandPaths(testdataDirs(t))
	if err != nil {
		t.Fatal(err)
	}
	serial, err := RunFiles(files, Options{Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(serial.Findings) < 50 {
		t.Fatalf("only %d findings; the comparison would prove little", len(serial.Findings))
	}
	for _, workers := range []int{2, 8, 64} {
		for range 3 {
			par, err := RunFiles(files, Options{Parallelism: workers})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(serial.Findings, par.Findings) {
				t.Fatalf("%d workers: findings differ from a serial run", workers)
			}
			if len(par.Units) != len(serial.Units) {
				t.Fatalf("%d workers: %d units, serial %d", workers, len(par.Units), len(serial.Units))
			}
		}
	}
}

// TestFindingsOnlyEqualsFullRun checks that releasing each file's unit
// after its rules (what callspec lint does) changes no finding, including
// those of the rules over the whole set (duplicate ids, related links),
// and that it really releases the units.
func TestFindingsOnlyEqualsFullRun(t *testing.T) {
	files, err := ExpandPaths(testdataDirs(t))
	if err != nil {
		t.Fatal(err)
	}
	full, err := RunFiles(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lean, err := RunFiles(files, Options{FindingsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full.Findings, lean.Findings) {
		t.Fatal("findings differ when units are released")
	}
	// The lines that reports print are kept when the rest of a file is
	// released.
	for _, f := range lean.Findings {
		n := f.Range.Start.Line
		want, got := full.Files[f.Range.File], lean.Files[f.Range.File]
		if want.LineCount() != got.LineCount() || want.LineText(n) != got.LineText(n) {
			t.Errorf("%s:%d: line %q of %d kept as %q of %d", f.Range.File, n, want.LineText(n), want.LineCount(), got.LineText(n), got.LineCount())
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(full.Files)), slices.Sorted(maps.Keys(lean.Files))) {
		t.Error("the files read differ when units are released")
	}
	seen := map[string]bool{}
	for _, f := range lean.Findings {
		seen[f.Rule] = true
	}
	if !seen["duplicate-workflow-id"] || !seen["related-link"] {
		t.Errorf("the set rules did not fire: %v", seen)
	}
	if len(lean.Units) != 0 || len(full.Units) == 0 {
		t.Errorf("%d units kept under FindingsOnly, %d in a full run", len(lean.Units), len(full.Units))
	}
}

// TestFindingsSorted checks the order every format relies on.
func TestFindingsSorted(t *testing.T) {
	res, err := Run(testdataDirs(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(res.Findings); i++ {
		if diag.Compare(res.Findings[i-1], res.Findings[i]) > 0 {
			t.Fatalf("finding %d is out of order:\n%+v\n%+v", i, res.Findings[i-1], res.Findings[i])
		}
	}
}

// writeFiles writes name → content into a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cleanSpec is a spec with no findings (the good example in the testdata of
// missing-disclosure); tests add one problem to it.
func cleanSpec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "rules", "testdata", "missing-disclosure", "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// at lists findings as rule@line, for compact comparisons.
func at(fs []diag.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d", f.Rule, f.Range.Start.Line))
	}
	return out
}
