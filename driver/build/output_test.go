package build_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/callspec/callspec/driver/build"
)

func sha(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// tree lists the files under dir (and what links point to) with their
// contents, to tell that nothing changed.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = "-> " + target
			return err
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			out[rel] = string(b)
			return err
		default:
			out[rel] = d.Type().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
}

// TestWriteRefusesManifestsThatAreNotCallspecs: only a manifest that
// callspec wrote makes files removable, and it can name nothing outside
// the directory.
func TestWriteRefusesManifestsThatAreNotCallspecs(t *testing.T) {
	victim := "do not remove"
	entry := func(p, sum string) string {
		return fmt.Sprintf(`{"generator": "callspec build", "files": [{"path": %q, "sha256": %q}]}`, p, sum)
	}
	const form = "it names callspec build as its generator, but "
	cases := []struct {
		name, manifest, why string
		setup               func(t *testing.T, out string) // instead of writing manifest
	}{
		{name: "web app manifest", manifest: `{"name": "Front desk", "start_url": "/"}`, why: `it does not say "generator": "callspec build"`},
		{name: "merge conflict", manifest: "<<<<<<< HEAD\n{\"generator\": \"callspec build\", \"files\": []}\n", why: `it does not say "generator": "callspec build"`},
		{name: "other generator", manifest: `{"generator": "callspec builder", "files": []}`, why: `it does not say "generator": "callspec build"`},
		{name: "unknown key", manifest: `{"generator": "callspec build", "files": [], "delete": ["*"]}`, why: form + "does not have the form of its manifest"},
		{name: "no files", manifest: `{"generator": "callspec build"}`, why: form + "does not have the form of its manifest"},
		{name: "more after it", manifest: `{"generator": "callspec build", "files": []} {"files": []}`, why: form + "more follows the manifest"},
		{name: "parent path", manifest: entry("../victim.txt", sha(victim)), why: form + "it lists a path callspec never writes"},
		{name: "absolute path", manifest: entry("/etc/hostname", sha(victim)), why: form + "it lists a path callspec never writes"},
		{name: "backslashes", manifest: entry(`a\..\..\victim.txt`, sha(victim)), why: form + "it lists a path callspec never writes"},
		{name: "dot element", manifest: entry("a/./b.json", sha(victim)), why: form + "it lists a path callspec never writes"},
		{name: "the manifest itself", manifest: entry("manifest.json", sha(victim)), why: form + "it lists a path callspec never writes"},
		{name: "bad sha256", manifest: entry("a/b.json", "ABC"), why: form + "it lists a sha256 that is not one"},
		{name: "path twice", manifest: `{"generator": "callspec build", "files": [{"path": "a", "sha256": "` + sha("") + `"}, {"path": "a", "sha256": "` + sha("") + `"}]}`, why: form + "it lists a path twice"},
		{name: "symbolic link", why: "it is a symbolic link, not a regular file", setup: func(t *testing.T, out string) {
			real := filepath.Join(filepath.Dir(out), "real-manifest.json")
			if err := os.WriteFile(real, []byte(`{"generator": "callspec build", "files": []}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("../real-manifest.json", filepath.Join(out, "manifest.json")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "named pipe", why: "it is a named pipe, not a regular file", setup: func(t *testing.T, out string) {
			mkfifo(t, filepath.Join(out, "manifest.json"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, content := range map[string]string{filepath.Join(parent, "victim.txt"): victim, filepath.Join(out, "notes.txt"): "mine"} {
				if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.setup != nil {
				tc.setup(t, out)
			} else if err := os.WriteFile(filepath.Join(out, "manifest.json"), []byte(tc.manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			before := tree(t, parent)
			want := "refusing to use " + out + ": its manifest.json was not written by callspec build (" + tc.why + "), so callspec cannot tell which files there are its own; choose another --out, or, if callspec made this directory (a merge conflict can break its manifest), delete the directory and build again"
			v := files(map[string]string{"wf/a.json": "a"})
			for _, opts := range []build.WriteOptions{{}, {Prune: true}} {
				if _, err := build.Check(out, v, opts); err == nil || err.Error() != want {
					t.Errorf("Check(%+v): %v\nwant: %s", opts, err, want)
				}
				if _, err := build.Write(out, v, opts); err == nil || err.Error() != want {
					t.Errorf("Write(%+v): %v\nwant: %s", opts, err, want)
				}
			}
			if after := tree(t, parent); !reflect.DeepEqual(after, before) {
				t.Errorf("the tree changed:\n%v\nwant:\n%v", after, before)
			}
		})
	}
}

// written makes out an output of v, as callspec writes it.
func written(t *testing.T, out string, v []build.File) {
	t.Helper()
	if _, err := build.Write(out, v, build.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestWriteFollowsNoLinkInTheOutput: an output directory comes from the
// repository, so in CI from the pull request. A link in it must not make
// build write, read or remove anything outside.
func TestWriteFollowsNoLinkInTheOutput(t *testing.T) {
	t.Run("a workflow directory that links out", func(t *testing.T) {
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		written(t, out, files(map[string]string{"other/a.json": "a"}))
		if err := os.Mkdir(filepath.Join(parent, "elsewhere"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../elsewhere", filepath.Join(out, "wf")); err != nil {
			t.Fatal(err)
		}
		before := tree(t, parent)
		want := "refusing to use " + out + ": " + filepath.Join(out, "wf") + " is a symbolic link, where callspec puts a directory; remove it and build again"
		v := files(map[string]string{"other/a.json": "a", "wf/outcome.schema.json": "{}"})
		if _, err := build.Check(out, v, build.WriteOptions{}); err == nil || err.Error() != want {
			t.Errorf("Check: %v\nwant: %s", err, want)
		}
		if _, err := build.Write(out, v, build.WriteOptions{}); err == nil || err.Error() != want {
			t.Errorf("Write: %v\nwant: %s", err, want)
		}
		if after := tree(t, parent); !reflect.DeepEqual(after, before) {
			t.Errorf("the tree changed:\n%v\nwant:\n%v", after, before)
		}
	})
	t.Run("generated files that are links", func(t *testing.T) {
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		v := files(map[string]string{"wf/pipe.json": "p", "wf/gone.json": "g", "wf/kept.json": "k"})
		written(t, out, v)
		pipe := filepath.Join(parent, "pipe")
		mkfifo(t, pipe)
		secret := filepath.Join(parent, "secret.txt")
		if err := os.WriteFile(secret, []byte("g"), 0o644); err != nil {
			t.Fatal(err)
		}
		for link, target := range map[string]string{"wf/pipe.json": "../../pipe", "wf/gone.json": "../../secret.txt"} {
			os.Remove(filepath.Join(out, link))
			if err := os.Symlink(target, filepath.Join(out, link)); err != nil {
				t.Fatal(err)
			}
		}
		// wf/pipe.json is still generated: a link there is stale, and
		// never opened (a pipe would hang the read). wf/gone.json is
		// not: a link is not what callspec wrote, so it stays.
		v2 := files(map[string]string{"wf/pipe.json": "p", "wf/kept.json": "k"})
		want := build.Diff{Stale: []string{"manifest.json", "wf/pipe.json"}, Edited: []string{"wf/gone.json"}}
		d, err := build.Check(out, v2, build.WriteOptions{})
		if err != nil || !reflect.DeepEqual(d, want) {
			t.Errorf("Check = %+v, %v; want %+v", d, err, want)
		}
		if d, err := build.Write(out, v2, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, want) {
			t.Errorf("Write = %+v, %v; want %+v", d, err, want)
		}
		got := tree(t, parent)
		if want := map[string]string{"out/wf/pipe.json": "p", "out/wf/gone.json": "-> ../../secret.txt", "out/wf/kept.json": "k", "secret.txt": "g", "pipe": "p---------"}; !reflect.DeepEqual(withoutManifest(got), want) {
			t.Errorf("tree after Write: %v\nwant %v", got, want)
		}
	})
}

func withoutManifest(m map[string]string) map[string]string {
	delete(m, filepath.Join("out", "manifest.json"))
	return m
}

// TestBuildOfSomeWorkflowsKeepsTheOthers: without Prune, the output of the
// workflows a build did not load stays, with its manifest entries, and so
// do the files over every workflow, which a build of some would get wrong.
func TestBuildOfSomeWorkflowsKeepsTheOthers(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	all := []build.File{
		{Path: "a/x.json", Content: []byte("a1")}, {Path: "a/README.md", Content: []byte("a links b"), Set: true},
		{Path: "b/x.json", Content: []byte("b1")}, {Path: "b/README.md", Content: []byte("b links a"), Set: true},
		{Path: "index.md", Content: []byte("a, b"), Set: true},
	}
	written(t, out, all)
	some := []build.File{
		{Path: "a/x.json", Content: []byte("a2")}, {Path: "a/README.md", Content: []byte("a links nothing"), Set: true},
		{Path: "index.md", Content: []byte("a"), Set: true},
	}
	want := build.Diff{Stale: []string{"a/x.json", "manifest.json"}, Kept: []string{"b"}, NotRefreshed: []string{"a/README.md", "index.md"}}
	if d, err := build.Check(out, some, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, want) {
		t.Errorf("Check = %+v, %v; want %+v", d, err, want)
	}
	if d, err := build.Write(out, some, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, want) {
		t.Errorf("Write = %+v, %v; want %+v", d, err, want)
	}
	wantTree := map[string]string{"a/x.json": "a2", "a/README.md": "a links b", "b/x.json": "b1", "b/README.md": "b links a", "index.md": "a, b"}
	manifest, err := build.Manifest([]build.File{
		{Path: "a/README.md", Content: []byte("a links b")}, {Path: "a/x.json", Content: []byte("a2")},
		{Path: "b/README.md", Content: []byte("b links a")}, {Path: "b/x.json", Content: []byte("b1")},
		{Path: "index.md", Content: []byte("a, b")},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantTree["manifest.json"] = string(manifest)
	if got := tree(t, out); !reflect.DeepEqual(got, wantTree) {
		t.Errorf("after a build of a:\n%v\nwant:\n%v", got, wantTree)
	}
	if d, err := build.Check(out, some, build.WriteOptions{}); err != nil || !d.Empty() {
		t.Errorf("Check after Write = %+v, %v; want it up to date", d, err)
	}

	pruned := build.Diff{Stale: []string{"a/README.md", "index.md", "manifest.json"}, Extra: []string{"b/README.md", "b/x.json"}}
	if d, err := build.Write(out, some, build.WriteOptions{Prune: true}); err != nil || !reflect.DeepEqual(d, pruned) {
		t.Errorf("Write with Prune = %+v, %v; want %+v", d, err, pruned)
	}
	manifest, _ = build.Manifest([]build.File{some[1], some[0], some[2]})
	wantTree = map[string]string{"a/x.json": "a2", "a/README.md": "a links nothing", "index.md": "a", "manifest.json": string(manifest)}
	if got := tree(t, out); !reflect.DeepEqual(got, wantTree) {
		t.Errorf("after Prune:\n%v\nwant:\n%v", got, wantTree)
	}

	// A new workflow built alone next to another: its page, which would
	// link only within this build, waits for a build of them all.
	c := []build.File{
		{Path: "c/x.json", Content: []byte("c1")}, {Path: "c/README.md", Content: []byte("c links nothing"), Set: true},
		{Path: "index.md", Content: []byte("c"), Set: true},
	}
	want = build.Diff{Stale: []string{"manifest.json"}, Missing: []string{"c/x.json"}, Kept: []string{"a"}, NotRefreshed: []string{"c/README.md", "index.md"}}
	if d, err := build.Write(out, c, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, want) {
		t.Errorf("Write of a new workflow = %+v, %v; want %+v", d, err, want)
	}
	if _, err := os.Stat(filepath.Join(out, "c", "README.md")); !os.IsNotExist(err) {
		t.Errorf("c/README.md was written from a build of c alone: %v", err)
	}
}

// TestWriteReplacesNoFileItDidNotWrite: a file callspec's manifest does not
// list is never overwritten; one that holds exactly what the build
// generates (left by a build that stopped before its manifest) is taken.
func TestWriteReplacesNoFileItDidNotWrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	written(t, out, files(map[string]string{"wf/a.json": "a"}))
	mine := filepath.Join(out, "wf", "handler.go")
	if err := os.WriteFile(mine, []byte("package mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := files(map[string]string{"wf/a.json": "a", "wf/handler.go": "package generated"})
	wantDiff := build.Diff{Stale: []string{"manifest.json"}, Foreign: []string{"wf/handler.go"}}
	if d, err := build.Check(out, v, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, wantDiff) {
		t.Errorf("Check = %+v, %v; want %+v", d, err, wantDiff)
	}
	want := "refusing to write into " + out + ": " + mine + " is there, but callspec's manifest.json does not list it, so callspec did not write it; move it away and build again"
	if _, err := build.Write(out, v, build.WriteOptions{}); err == nil || err.Error() != want {
		t.Errorf("Write: %v\nwant: %s", err, want)
	}
	if b, _ := os.ReadFile(mine); string(b) != "package mine" {
		t.Errorf("%s was overwritten: %q", mine, b)
	}
	if err := os.WriteFile(mine, []byte("package generated"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := build.Write(out, v, build.WriteOptions{}); err != nil || !reflect.DeepEqual(d, build.Diff{Stale: []string{"manifest.json"}}) {
		t.Errorf("Write over the same content = %+v, %v", d, err)
	}
	if d, err := build.Check(out, v, build.WriteOptions{}); err != nil || !d.Empty() {
		t.Errorf("Check after = %+v, %v", d, err)
	}
}

// TestFailedWriteLeavesThePreviousManifest: the manifest is written last,
// so a build that fails half-way leaves the one that lists every file
// callspec may remove.
func TestFailedWriteLeavesThePreviousManifest(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	written(t, out, files(map[string]string{"a/x.json": "1", "b/y.json": "1"}))
	manifest, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	// A directory where a generated file goes cannot be replaced.
	blocker := filepath.Join(out, "b", "y.json")
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(blocker, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := build.Write(out, files(map[string]string{"a/x.json": "2", "a/new.json": "2", "b/y.json": "2"}), build.WriteOptions{})
	if want := "write " + blocker + ": file exists"; err == nil || err.Error() != want {
		t.Errorf("Write: %v, want %s", err, want)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "manifest.json")); string(b) != string(manifest) {
		t.Errorf("the manifest changed though the build failed:\n%s", b)
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, "*", ".callspec-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
