package lint

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
)

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// TestWalkRules: what a directory walk takes, skips silently and skips
// with a reason.
func TestWalkRules(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "specs")
	const spec = "callspec: 1\n"
	write(t, filepath.Join(dir, "a.yaml"), spec)
	write(t, filepath.Join(dir, "sub", "b.yml"), spec)
	write(t, filepath.Join(dir, ".hidden", "c.yaml"), spec)
	write(t, filepath.Join(dir, "callspec.yaml"), "rules: {}\n")
	write(t, filepath.Join(dir, "notes.txt"), "not a spec name")
	write(t, filepath.Join(parent, "outside.yaml"), spec)
	symlink(t, filepath.Join("sub", "b.yml"), filepath.Join(dir, "inside.yaml"))
	symlink(t, filepath.Join(dir, "a.yaml"), filepath.Join(dir, "absolute.yaml"))
	symlink(t, filepath.Join("..", "outside.yaml"), filepath.Join(dir, "out.yaml"))
	symlink(t, filepath.Join("..", "..", "outside.yaml"), filepath.Join(dir, "sub", "out-again.yaml"))
	symlink(t, "nothing.yaml", filepath.Join(dir, "broken.yaml"))
	symlink(t, "sub", filepath.Join(dir, "dir.yaml"))
	symlink(t, "..", filepath.Join(dir, "up")) // a link to a directory is not walked
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}

	x, err := expand([]string{dir, filepath.Join(dir, "a.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	defer x.close()
	var got []string
	for _, in := range x.inputs {
		got = append(got, in.path)
	}
	if want := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "inside.yaml"), filepath.Join(dir, "sub", "b.yml")}; !reflect.DeepEqual(got, want) {
		t.Errorf("inputs = %q\nwant %q", got, want)
	}
	out := "it is a symbolic link that leads out of " + dir + " or is absolute; a walk follows only relative links that stay inside the directory (name the file to lint it)"
	want := []Skipped{
		{filepath.Join(dir, "absolute.yaml"), out},
		{filepath.Join(dir, "broken.yaml"), "it is a broken symbolic link"},
		{filepath.Join(dir, "dir.yaml"), "it is a symbolic link to a directory, not to a regular file"},
		{filepath.Join(dir, "out.yaml"), out},
		{filepath.Join(dir, "pipe.yaml"), "it is a named pipe, not a regular file"},
		{filepath.Join(dir, "sub", "out-again.yaml"), out},
	}
	if !reflect.DeepEqual(x.skipped, want) {
		t.Errorf("skipped = %q\nwant %q", x.skipped, want)
	}

	// A walked file is read through its directory: a link swapped in
	// after the walk cannot lead out either.
	a := filepath.Join(dir, "a.yaml")
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join("..", "outside.yaml"), a)
	_, err = run(x.inputs, Options{})
	if want := "read " + a + ": path escapes from parent"; err == nil || err.Error() != want {
		t.Errorf("run after the swap: %v, want %s", err, want)
	}
}

func TestIsSpec(t *testing.T) {
	for content, want := range map[string]bool{
		"callspec: 1\n":                       true,
		"# comment\ncallspec: 1\nworkflow:\n": true,
		"\ufeffcallspec: 1":                   true,
		"callspec:\n":                         true,
		"callspec : 1\n":                      true,
		"\"callspec\": 1\n":                   true,
		"'callspec':\t1\n":                    true,
		"a: 1\rcallspec: 1\r":                 true,
		"callspec: 1\nid: \"unclosed\n":       true, // invalid YAML, still a spec
		"callspec: 1\n\x00\n":                 true, // a binary byte, still a spec
		"{callspec: 1, workflow: {id: x}}":    true, // the loader says
		"":                                    false,
		"[default]\nkey = value\n":            false,
		"- callspec: 1\n":                     false,
		"  callspec: 1\n":                     true, // indented, still a top-level key
		"callspec:1\n":                        false,
		"callspecs: 1\n":                      false,
		"x: |\n  callspec: 1\n":               false,
		"\x7fELF\x02\x01":                     false,
	} {
		path := filepath.Join(t.TempDir(), "x.yaml")
		write(t, path, content)
		res, err := RunFiles([]string{path}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		notSpec := len(res.Findings) == 1 && res.Findings[0].Message == notASpec(path).findings[0].Message
		if notSpec == want {
			t.Errorf("%q: spec = %v, want %v (findings %v)", content, !notSpec, want, res.Findings)
		}
		if !want && res.Files[path].LineCount() > 1 {
			t.Errorf("%q: the result holds the content of a file that is not a spec", content)
		}
	}
}

// TestWalkSkipsFilesThatAreNotSpecs: a directory of specs may hold other
// YAML (a docker-compose.yml, a CI workflow). The walk leaves each one out
// and counts it, whatever its size or syntax; a spec in flow style, and a
// spec over the size limit, are still specs. Named, a file that is not a
// spec is one finding.
func TestWalkSkipsFilesThatAreNotSpecs(t *testing.T) {
	dir := t.TempDir()
	const good = "callspec: 1\nworkflow:\n  id: x\n"
	write(t, filepath.Join(dir, "a.yaml"), good)
	write(t, filepath.Join(dir, "flow.yaml"), "{callspec: 1, workflow: {id: y}}\n")
	write(t, filepath.Join(dir, "docker-compose.yml"), "services:\n  db:\n    image: postgres\n")
	write(t, filepath.Join(dir, "ci", "broken.yaml"), "on: [push\n")
	write(t, filepath.Join(dir, "big-data.yaml"), "rows:\n"+strings.Repeat("  - 1\n", 200_000))
	write(t, filepath.Join(dir, "big-spec.yaml"), "callspec: 1\n"+strings.Repeat("# padding\n", 110_000))

	res, err := Run([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := []string{filepath.Join(dir, "big-data.yaml"), filepath.Join(dir, "ci", "broken.yaml"), filepath.Join(dir, "docker-compose.yml")}
	if !reflect.DeepEqual(res.NotSpecs, wantSkipped) {
		t.Errorf("NotSpecs = %q\nwant %q", res.NotSpecs, wantSkipped)
	}
	linted := keys(res.Files)
	wantLinted := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "big-spec.yaml"), filepath.Join(dir, "flow.yaml")}
	if !reflect.DeepEqual(linted, wantLinted) {
		t.Errorf("linted %q\nwant %q", linted, wantLinted)
	}
	for _, f := range res.Findings {
		if f.Message == notASpec(f.Range.File).findings[0].Message {
			t.Errorf("a walked file that is not a spec got a finding: %v", f)
		}
	}
	if !slices.ContainsFunc(res.Findings, func(f diag.Finding) bool {
		return f.Range.File == filepath.Join(dir, "big-spec.yaml") && f.Rule == spec.TooLarge("", 0).Rule
	}) {
		t.Errorf("the spec over the size limit has no finding saying so: %v", res.Findings)
	}

	named := filepath.Join(dir, "docker-compose.yml")
	res, err = Run([]string{named}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotSpecs) != 0 || len(res.Findings) != 1 || res.Findings[0] != notASpec(named).findings[0] {
		t.Errorf("named: NotSpecs %q, findings %v; want the one finding of a file that is not a spec", res.NotSpecs, res.Findings)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
