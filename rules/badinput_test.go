package rules_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"unicode/utf8"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/rules"
	"github.com/callspec/callspec/rules/ruletest"
)

// lintCorpus is the part of the bad-input corpus that once made lint slow
// or let a non-portable value through (see its README.md): specs kept as
// they are (*.yaml) and recipes (*.tmpl) that grow one part of a clean
// spec to the largest file lint reads.
var lintCorpus = filepath.Join("..", "testdata", "bad-input", "lint")

// recipeBase is the clean spec whose blocks the recipes redefine.
const recipeBase = "base.tmpl"

// recipes lists the recipe files of the corpus, without the base.
func recipes(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(lintCorpus, "*.tmpl"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		if filepath.Base(p) != recipeBase {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no recipes in %s", lintCorpus)
	}
	return out
}

// renderRecipe renders a recipe over the base spec. Every {{fill "unit"}}
// of the recipe writes its unit the same number of times k, the largest k
// for which the spec stays within size bytes; {{repeat n "unit"}} writes
// it n times whatever the size, {{range seq n}} counts 1 to n, and
// {{fit "prefix" "unit" "suffix"}} is the longest CEL expression of that
// form within the length limit ({{fitCount …}} its number of units). Since
// the output grows by the same number of bytes with each k, two trial
// renderings give k; grows reports whether the recipe fills at all.
func renderRecipe(path string, size int) (content []byte, grows bool, err error) {
	k := 0
	funcs := template.FuncMap{
		"fill":   func(unit string) string { return strings.Repeat(unit, k) },
		"repeat": func(n int, unit string) string { return strings.Repeat(unit, n) },
		"fit": func(prefix, unit, suffix string) string {
			return prefix + strings.Repeat(unit, fitCount(prefix, unit, suffix)) + suffix
		},
		"fitCount": fitCount,
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
	}
	t, err := template.New(recipeBase).Funcs(funcs).ParseFiles(filepath.Join(lintCorpus, recipeBase), path)
	if err != nil {
		return nil, false, err
	}
	render := func(n int) ([]byte, error) {
		k = n
		var b bytes.Buffer
		err := t.ExecuteTemplate(&b, recipeBase, nil)
		return b.Bytes(), err
	}
	empty, err := render(0)
	if err != nil {
		return nil, false, err
	}
	one, err := render(1)
	if err != nil {
		return nil, false, err
	}
	per := len(one) - len(empty)
	if per > 0 {
		if k = (size - len(empty)) / per; k < 0 {
			return nil, true, fmt.Errorf("%s: the recipe is larger than %d bytes without its fill", path, size)
		}
		content, err = render(k)
		return content, true, err
	}
	if len(empty) > size {
		return nil, false, fmt.Errorf("%s: the recipe renders to %d bytes, more than %d", path, len(empty), size)
	}
	return empty, false, nil
}

// fitCount is how many times unit fits between prefix and suffix in a CEL
// expression of at most check.MaxCELLength code points.
func fitCount(prefix, unit, suffix string) int {
	n := utf8.RuneCountInString
	return (check.MaxCELLength - n(prefix) - n(suffix)) / n(unit)
}

// TestLintCorpus lints every spec and recipe of the lint corpus, recipes
// rendered at the largest size lint reads (spec.MaxFileSize), and checks
// the findings against their # want comments. Each runs alone, so that
// one input's findings do not hide another's.
func TestLintCorpus(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join(lintCorpus, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range specs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			dir := t.TempDir()
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), content, 0o644); err != nil {
				t.Fatal(err)
			}
			ruletest.Run(t, dir)
		})
	}
	for _, path := range recipes(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".tmpl")
		t.Run(name, func(t *testing.T) {
			content, _, err := renderRecipe(path, spec.MaxFileSize)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name+".yaml"), content, 0o644); err != nil {
				t.Fatal(err)
			}
			// A recipe repeats one rule a hundred times to reach the size,
			// and its scenarios exercise none of them: scenario-coverage
			// would mark each copy, which says nothing about the input.
			ruletest.RunWith(t, dir, lint.Options{Config: &lint.Config{Rules: map[string]diag.Severity{"scenario-coverage": diag.Off}}})
		})
	}
}

// BenchmarkLintCorpus runs the per-file front end (load, check, every
// rule) on each recipe of the lint corpus. A recipe that fills is run at
// a quarter of the largest file and at the largest (256KiB, 1MiB): linear
// work takes four times as long at the larger size.
//
//	go test ./rules -run '^$' -bench LintCorpus
func BenchmarkLintCorpus(b *testing.B) {
	for _, path := range recipes(b) {
		name := strings.TrimSuffix(filepath.Base(path), ".tmpl")
		full, grows, err := renderRecipe(path, spec.MaxFileSize)
		if err != nil {
			b.Fatal(err)
		}
		if !grows {
			b.Run(name, func(b *testing.B) { benchLint(b, name, full) })
			continue
		}
		quarter, _, err := renderRecipe(path, spec.MaxFileSize/4)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/256KiB", func(b *testing.B) { benchLint(b, name, quarter) })
		b.Run(name+"/1MiB", func(b *testing.B) { benchLint(b, name, full) })
	}
}

func benchLint(b *testing.B, name string, content []byte) {
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		s, fs := spec.Load(name+".yaml", content)
		if s == nil {
			b.Fatalf("the recipe does not load: %v", fs)
		}
		u, _ := check.Check(s)
		rules.RunFile(u)
	}
}
