package build_test

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/build"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/internal/golden"
)

// casesDir holds the end-to-end cases, like sqlc's: each directory has a
// spec.yaml and want/, the whole tree callspec build writes for it
// (`callspec build --out testdata/cases/<name>/want
// testdata/cases/<name>/spec.yaml`).
var casesDir = filepath.Join("..", "..", "testdata", "cases")

// TestCases builds each case as callspec build does (lint, then generate)
// and compares every generated file with want/, and want/ with the
// generated files: a file missing from either side fails. -update (or
// CALLSPEC_UPDATE_GOLDEN=1) rewrites want/ with callspec build's own
// writer, stale files removed.
func TestCases(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join(casesDir, "*", "spec.yaml"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no cases under %s (%v)", casesDir, err)
	}
	for _, spec := range specs {
		dir := filepath.Dir(spec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := filepath.Join(dir, "want")
			files := buildCase(t, spec, want)
			if golden.Updating() {
				if _, err := build.Write(want, files, build.WriteOptions{Prune: true}); err != nil {
					t.Fatal(err)
				}
				return
			}
			made := make([]string, len(files))
			for i, f := range files {
				made[i] = filepath.FromSlash(f.Path)
				golden.Check(t, filepath.Join(want, made[i]), f.Content)
			}
			err := filepath.WalkDir(want, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, err := filepath.Rel(want, path)
				if err == nil && !slices.Contains(made, rel) {
					t.Errorf("%s is not generated any more; run %s to remove it", path, golden.Command())
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// buildCase lints spec and generates its tree for the output directory
// out, as callspec build --out out spec does.
func buildCase(t *testing.T, spec, out string) []build.File {
	t.Helper()
	res, err := lint.RunFiles([]string{spec}, lint.Options{IROnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity == diag.Error {
			t.Fatalf("%s:%d:%d: %s [%s]: the case does not lint, so callspec build would refuse it", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Message, f.Rule)
		}
	}
	goOpts, err := build.ImportRoot(out)
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]*ir.Workflow, len(res.Units))
	for i, u := range res.Units {
		ws[i] = u.IR
	}
	files, err := build.GenerateWith(ws, build.GenerateOptions{Go: goOpts})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
