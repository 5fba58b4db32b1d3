// Package badinput reads the data files of the bad-input corpus
// (testdata/bad-input at the root of the module) for the tests that
// replay them.
package badinput

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir is the corpus folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "bad-input")
}

// Pair is one line of a corpus table: an input and what is wanted of it.
type Pair struct {
	Line     int
	In, Want string
}

// Pairs reads the table name (a path under Dir, such as "logs/dsns.txt"):
// one input, a tab and what is wanted per line; blank lines and lines
// starting with '#' are comments. It fails tb on a line without a tab.
func Pairs(tb testing.TB, name string) []Pair {
	tb.Helper()
	f, err := os.Open(filepath.Join(Dir(), name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []Pair
	lines := bufio.NewScanner(f)
	for n := 1; lines.Scan(); n++ {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("%s:%d: want an input, a tab and what is wanted of it", name, n)
		}
		out = append(out, Pair{Line: n, In: in, Want: want})
	}
	if err := lines.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
