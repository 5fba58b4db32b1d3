package specfuzz_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/driver/lint"
)

// seedDirs hold the specs the corpus starts from: the real workflows, the
// bad-input corpus and every spec used as test input elsewhere.
var seedDirs = []string{
	"../../../workflows",
	"../../../testdata/bad-input",
	"../../../rules/testdata",
	"../../../compiler/emit/eventschema/testdata",
	"../../../compiler/emit/gohandler/testdata",
	"../../../compiler/emit/docpage/testdata",
	"../../../compiler/scenario/testdata",
	"../../../cmd/callspec/testdata",
}

// stallLimit is how long linting one fuzzed spec may take; real specs
// lint in milliseconds.
const stallLimit = 10 * time.Second

func FuzzLoadAndLint(f *testing.F) {
	for _, dir := range seedDirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			// Only regular files: testdata/bad-input/filesystem holds
			// links out of the tree (to /proc/self/environ) that must not
			// become seeds.
			if err != nil || !d.Type().IsRegular() || (filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".yml") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f.Add(b)
			return nil
		})
		if err != nil {
			f.Fatalf("seed the corpus from %s: %v", dir, err)
		}
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		// A spec that stalls the linter is a denial of service in CI; the
		// fuzzer records the input of a worker that dies.
		watchdog := time.AfterFunc(stallLimit, func() {
			panic(fmt.Sprintf("linting one %d-byte spec took more than %v", len(content), stallLimit))
		})
		defer watchdog.Stop()
		path := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := lint.RunFiles([]string{path}, lint.Options{Parallelism: 1})
		if err != nil {
			t.Fatalf("lint returned a Go error for a readable file (a user mistake must be a finding): %v", err)
		}
		file := source.NewFile(path, content)
		for _, fd := range res.Findings {
			if problem := rangeProblem(file, fd.Range); problem != "" {
				t.Errorf("finding %s %q at %d:%d-%d:%d: %s", fd.Rule, fd.Message,
					fd.Range.Start.Line, fd.Range.Start.Col, fd.Range.End.Line, fd.Range.End.Col, problem)
			}
			if fd.Message == "" || fd.Rule == "" || fd.Severity < diag.Info {
				t.Errorf("finding %+v has no rule, message or severity", fd)
			}
		}
	})
}

// rangeProblem says what is wrong with r as the range of a finding in f,
// or "". A range starts on a character of the file or just after the end
// of a line (a point there, for "something is missing here"), and ends at
// or after its start, at most one column past that.
func rangeProblem(f *source.File, r source.Range) string {
	if r.File != f.Path {
		return "the range names another file"
	}
	if !r.Start.IsValid() || r.Start.Col < 1 {
		return "the range has no start position"
	}
	if r.End.Before(r.Start) {
		return "the range ends before it starts"
	}
	for _, p := range []struct {
		what  string
		pos   source.Pos
		slack int
	}{{"start", r.Start, 1}, {"end", r.End, 2}} {
		if p.pos.Line > f.LineCount() {
			return p.what + " is past the last line"
		}
		if width := utf8.RuneCountInString(f.LineText(p.pos.Line)); p.pos.Col > width+p.slack {
			return p.what + " is past the end of its line"
		}
	}
	return ""
}
