package build_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/driver/build"
)

func TestImportRoot(t *testing.T) {
	root := t.TempDir()
	mod := filepath.Join(root, "voice")
	if err := os.MkdirAll(filepath.Join(mod, "internal", "calls"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("// the service\nmodule example.com/acme/voice // here\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, want string }{
		{filepath.Join(mod, "generated"), "example.com/acme/voice/generated"},
		{filepath.Join(mod, "internal", "calls", "gen"), "example.com/acme/voice/internal/calls/gen"},
		{mod, "example.com/acme/voice"},
	} {
		got, err := build.ImportRoot(c.out)
		if err != nil || got != (gohandler.Options{ImportRoot: c.want}) {
			t.Errorf("ImportRoot(%s) = %+v, %v; want %s", c.out, got, err, c.want)
		}
	}
	// No go.mod up to the root of the file system: callspec's own path,
	// marked. (t.TempDir is under os.TempDir, which has no go.mod above it
	// on the machines the tests run on; say so if it does.)
	got, err := build.ImportRoot(filepath.Join(root, "alone", "generated"))
	if err != nil {
		t.Fatal(err)
	}
	if got != (gohandler.Options{ImportRoot: gohandler.DefaultImportRoot, NoModule: true}) {
		t.Skipf("a go.mod above %s gives %+v; the fallback is not testable here", root, got)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("go 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build.ImportRoot(filepath.Join(root, "alone")); err == nil {
		t.Error("a go.mod without a module line gave an import path")
	}
}
