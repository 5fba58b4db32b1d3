package build_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/callspec/callspec/driver/build"
)

func files(contents map[string]string) []build.File {
	var out []build.File
	for p, c := range contents {
		out = append(out, build.File{Path: p, Content: []byte(c)})
	}
	return out
}

func TestWriteThenCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "generated")
	v1 := files(map[string]string{"a/one.json": "1", "manifest.json": "m1", "a/sub/two.md": "2", "b/three.go": "3"})

	d, err := build.Check(out, v1, build.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (build.Diff{Missing: []string{"a/one.json", "a/sub/two.md", "b/three.go", "manifest.json"}}); !reflect.DeepEqual(d, want) {
		t.Fatalf("fresh dir: %+v, want %+v", d, want)
	}
	if _, err := build.Write(out, v1, build.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := build.Check(out, v1, build.WriteOptions{}); !d.Empty() {
		t.Fatalf("after write: %+v", d)
	}

	// Change one file, drop another, add one: stale, extra and missing.
	v2 := files(map[string]string{"a/one.json": "1 changed", "b/three.go": "3", "b/four.go": "4"})
	d, err = build.Check(out, v2, build.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := build.Diff{Stale: []string{"a/one.json", "manifest.json"}, Missing: []string{"b/four.go"}, Extra: []string{"a/sub/two.md"}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("diff = %+v, want %+v", d, want)
	}
	if _, err := build.Write(out, v2, build.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := build.Check(out, v2, build.WriteOptions{}); !d.Empty() {
		t.Fatalf("after second write: %+v", d)
	}
	if _, err := os.Stat(filepath.Join(out, "a", "sub")); !os.IsNotExist(err) {
		t.Errorf("the emptied directory a/sub/ was left behind: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, "*", ".callspec-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestWriteRefusesForeignDirectory(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build.Write(out, files(map[string]string{"manifest.json": "m"}), build.WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "no manifest.json, so callspec build did not make it") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "notes.txt")); string(b) != "mine" {
		t.Error("a file callspec did not make was touched")
	}
}

func TestGenerateIsDeterministicAndHasManifest(t *testing.T) {
	gen, err := build.Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(gen) != 1 || gen[0].Path != "manifest.json" {
		t.Fatalf("empty build = %v", gen)
	}
	m, err := build.Manifest(files(map[string]string{"x/a.json": "a"}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "generator": "callspec build",
  "files": [
    {
      "path": "x/a.json",
      "sha256": "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    }
  ]
}
`
	if string(m) != want {
		t.Errorf("manifest:\n%s\nwant:\n%s", m, want)
	}
}

func TestWriteIntoNewDirectoryAppearsWhole(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "not", "yet")
	out := filepath.Join(parent, "generated")
	v := files(map[string]string{"manifest.json": "m", "a/b/c/deep.go": "deep", "a/top.json": "top", "z.md": "z"})
	d, err := build.Write(out, v, build.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Missing) != len(v) || len(d.Stale)+len(d.Extra) != 0 {
		t.Errorf("diff = %+v, want every file missing", d)
	}
	if d, _ := build.Check(out, v, build.WriteOptions{}); !d.Empty() {
		t.Fatalf("after write: %+v", d)
	}
	for _, dir := range []string{out, filepath.Join(out, "a", "b", "c")} {
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o755 {
			t.Errorf("%s has mode %v, want 0755", dir, perm)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "generated" {
		t.Errorf("beside the output: %v, want only generated (no temporary directory)", entries)
	}
}

func TestWriteIntoEmptyExistingDirectory(t *testing.T) {
	out := t.TempDir()
	v := files(map[string]string{"manifest.json": "m", "a/one.json": "1"})
	if _, err := build.Write(out, v, build.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := build.Check(out, v, build.WriteOptions{}); !d.Empty() {
		t.Fatalf("after write: %+v", d)
	}
}
