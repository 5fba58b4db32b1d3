package specgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/driver/lint"
)

// TestGeneratedSpecsLintClean keeps the benchmark honest: it measures
// specs that pass the whole gate, not specs that stop at the first error.
func TestGeneratedSpecsLintClean(t *testing.T) {
	paths, err := WriteDir(t.TempDir(), 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.RunFiles(paths, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != len(paths) {
		t.Fatalf("%d of %d specs checked", len(res.Units), len(paths))
	}
	var findings []diag.Finding
	for _, f := range res.Findings {
		// The generated scenarios cover the three kinds, not every one of
		// the random rules; the warning still runs (and costs) as in a
		// real repository.
		if f.Rule == "scenario-coverage" && f.Severity == diag.Warning {
			continue
		}
		findings = append(findings, f)
	}
	for i, f := range findings {
		if i == 20 {
			t.Fatalf("… %d findings in all", len(findings))
		}
		t.Errorf("%s:%d:%d: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Message, f.Rule)
	}
}

func TestDeterministicAndVaried(t *testing.T) {
	if !bytes.Equal(Spec(7, 3), Spec(7, 3)) {
		t.Error("same seed and index, different spec")
	}
	if bytes.Equal(Spec(7, 3), Spec(8, 3)) || bytes.Equal(Spec(7, 3), Spec(7, 4)) {
		t.Error("different seed or index, same spec")
	}
	minF, maxF := MaxFields, 0
	for i := range 300 {
		n := bytes.Count(Spec(1, i), []byte("    description: The caller's"))
		minF, maxF = min(minF, n), max(maxF, n)
	}
	if minF != MinFields || maxF != MaxFields {
		t.Errorf("field counts range over [%d, %d], want [%d, %d]", minF, maxF, MinFields, MaxFields)
	}
}

// TestEachDefectIsReported checks that every defective spec gives exactly
// the finding its defect names, so that a benchmark over a set with
// defects measures real findings.
func TestEachDefectIsReported(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for k, defect := range Defects {
		p := filepath.Join(dir, defect+".yaml")
		if err := os.WriteFile(p, Defective(1, k, defect), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	res, err := lint.RunFiles(paths, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range res.Findings {
		if f.Severity == diag.Error {
			name := strings.TrimSuffix(filepath.Base(f.Range.File), ".yaml")
			got[name] = append(got[name], f.Rule)
		}
	}
	for _, defect := range Defects {
		if rules := got[defect]; len(rules) != 1 || rules[0] != defect {
			t.Errorf("the %s defect gives errors %v, want exactly [%s]", defect, rules, defect)
		}
	}
}

func TestWriteSetMakesAFewPercentDefective(t *testing.T) {
	n := 0
	for i := range 1000 {
		if IsDefective(1, i, 3) {
			n++
		}
	}
	if n < 15 || n > 45 {
		t.Errorf("%d of 1000 specs defective at 3%%", n)
	}
}
