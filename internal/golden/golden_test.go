package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", "@@ line 1\n a\n-b\n+B\n c\n"},
		{"added at end", "a\n", "a\nb\n", "@@ line 1\n a\n+b\n"},
		{"removed, context of three", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n6\n7\n8\n9\n",
			"@@ line 2\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n"},
		{"two hunks", "x\n1\n2\n3\n4\n5\n6\n7\n8\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\n8\nY\n",
			"@@ line 1\n-x\n+X\n 1\n 2\n 3\n@@ line 7\n 6\n 7\n 8\n-y\n+Y\n"},
		{"missing final newline", "a\n", "a", "@@ line 1\n-a\n+a\n\\ no newline at end\n"},
	} {
		if got := Diff(tc.want, tc.got); got != tc.diff {
			t.Errorf("%s: Diff =\n%s\nwant\n%s", tc.name, got, tc.diff)
		}
	}
}

func TestCommandNamesThePackage(t *testing.T) {
	if got, want := Command(), "go test ./internal/golden -update"; got != want {
		t.Errorf("Command() = %q, want %q", got, want)
	}
}

// recorder keeps what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	// This test decides itself when Check updates.
	t.Setenv(EnvUpdate, "")
	flagWas := *update
	*update = false
	t.Cleanup(func() { *update = flagWas })
	path := filepath.Join(t.TempDir(), "sub", "x.golden")

	r := &recorder{TB: t}
	Check(r, path, []byte("a\n"))
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "run go test ./internal/golden -update to create it") {
		t.Errorf("missing golden file: fatals %q", r.fatals)
	}

	t.Setenv(EnvUpdate, "1")
	Check(t, path, []byte("a\nb\n"))
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\nb\n" {
		t.Fatalf("%s=1 wrote %q, %v", EnvUpdate, b, err)
	}
	t.Setenv(EnvUpdate, "")

	r = &recorder{TB: t}
	Check(r, path, []byte("a\nb\n"))
	if len(r.errors)+len(r.fatals) != 0 {
		t.Errorf("equal output reported: %q %q", r.errors, r.fatals)
	}
	Check(r, path, []byte("a\nc\n"))
	want := path + " differs from the output (- golden file, + output):\n@@ line 1\n a\n-b\n+c\n\nIf the change is intended, run go test ./internal/golden -update and review the diff."
	if len(r.errors) != 1 || r.errors[0] != want {
		t.Errorf("differing output reported\n%q\nwant\n%q", r.errors, want)
	}
}
