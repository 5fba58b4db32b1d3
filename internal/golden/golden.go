// Package golden compares a test's output with a committed golden file,
// for every package whose tests keep one. It registers the one -update
// flag: `go test ./compiler/emit/docpage -update` rewrites that package's
// golden files. `go test ./... -update` fails in every test package that
// does not import this one ("flag provided but not defined"), so the
// environment variable CALLSPEC_UPDATE_GOLDEN=1 does the same for a whole
// tree: `CALLSPEC_UPDATE_GOLDEN=1 go test ./...`. Review the diff before
// committing either.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvUpdate is the environment variable that rewrites golden files in
// every package at once when it is 1.
const EnvUpdate = "CALLSPEC_UPDATE_GOLDEN"

var update = flag.Bool("update", false, "rewrite the golden files with the current output (for every package: "+EnvUpdate+"=1 go test ./...)")

// Updating reports whether this run rewrites golden files (-update or
// CALLSPEC_UPDATE_GOLDEN=1).
func Updating() bool { return *update || os.Getenv(EnvUpdate) == "1" }

// Check compares got with the file at path (relative to the test's
// package directory, like testdata/x.golden). When updating, it writes got
// there instead, creating the directories it needs. A difference is a
// test error with a line diff and the command that accepts it.
func Check(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v; run %s to create it", err, Command())
		return
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the output (- golden file, + output):\n%s\nIf the change is intended, run %s and review the diff.", path, Diff(string(want), string(got)), Command())
	}
}

// Command is the command that rewrites the golden files of the package
// under test: `go test ./<package dir> -update`.
func Command() string {
	dir := "."
	if wd, err := os.Getwd(); err == nil {
		if root, ok := moduleRoot(wd); ok {
			if rel, err := filepath.Rel(root, wd); err == nil && rel != "." {
				dir = "./" + filepath.ToSlash(rel)
			}
		}
	}
	return "go test " + dir + " -update"
}

func moduleRoot(dir string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// context is how many equal lines a diff shows around each change.
const context = 3

// maxDiffLines bounds the lines Diff compares after the common prefix and
// suffix are cut, so that a diff of two large unrelated files stays fast.
const maxDiffLines = 2000

// Diff is a line diff of want and got: changed lines marked "-" (want)
// and "+" (got), with up to three equal lines around each change, and
// "@@ line N" before each hunk (the line number in want).
func Diff(want, got string) string {
	a, b := lines(want), lines(got)
	// The common prefix and suffix need no comparison.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{' ', l})
	}
	return hunks(ops)
}

type op struct {
	kind byte // ' ', '-' or '+'
	line string
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// middle diffs the differing part by longest common subsequence, or, when
// it is too long for that, as all of a removed and all of b added.
func middle(a, b []string) []op {
	var ops []op
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	return ops
}

// hunks writes the changed ops with their context.
func hunks(ops []op) string {
	var out strings.Builder
	show := make([]bool, len(ops))
	for i, o := range ops {
		if o.kind != ' ' {
			for k := max(0, i-context); k <= min(len(ops)-1, i+context); k++ {
				show[k] = true
			}
		}
	}
	line := 1 // the line of want the next op is at
	for i, o := range ops {
		if show[i] {
			if i == 0 || !show[i-1] {
				fmt.Fprintf(&out, "@@ line %d\n", line)
			}
			text := o.line
			if !strings.HasSuffix(text, "\n") {
				text += "\n\\ no newline at end\n"
			}
			out.WriteByte(o.kind)
			out.WriteString(text)
		}
		if o.kind != '+' {
			line++
		}
	}
	return out.String()
}
