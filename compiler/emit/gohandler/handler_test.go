package gohandler_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/golden"
)

func load(t *testing.T, path string) *ir.Workflow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, fs := spec.Load(path, b)
	if len(fs) > 0 {
		t.Fatalf("load: %v", fs)
	}
	u, fs := check.Check(s)
	if len(fs) > 0 {
		t.Fatalf("check: %v", fs)
	}
	return u.IR
}

// TestGolden pins the generated package and stub for a spec that uses
// every field type, and checks that two runs give the same bytes.
func TestGolden(t *testing.T) {
	w := load(t, "testdata/all_types.yaml")
	files, err := gohandler.Emit(w, gohandler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := gohandler.Emit(w, gohandler.Options{})
	for i, f := range files {
		if !bytes.Equal(f.Content, again[i].Content) {
			t.Errorf("%s: two runs differ", f.Path)
		}
		golden.Check(t, filepath.Join("testdata", "all_types."+strings.ReplaceAll(f.Path, "/", "_")+".golden"), f.Content)
		if !strings.Contains(string(f.Content), "all_types.yaml") || strings.Contains(string(f.Content), "testdata/") {
			t.Errorf("%s: the header must name the spec file without its directory", f.Path)
		}
	}
}

// TestImportRoot: the stub imports the package from the user's module,
// under its own name, and says when callspec found no module to go by.
func TestImportRoot(t *testing.T) {
	w := load(t, "testdata/all_types.yaml")
	for _, c := range []struct {
		opts     gohandler.Options
		imp      string
		noModule bool
	}{
		{gohandler.Options{ImportRoot: "example.com/acme/voice/internal/gen"}, `"example.com/acme/voice/internal/gen/all_types/alltypes"`, false},
		{gohandler.Options{}, `"github.com/callspec/callspec/generated/all_types/alltypes"`, false},
		{gohandler.Options{ImportRoot: gohandler.DefaultImportRoot, NoModule: true}, `"github.com/callspec/callspec/generated/all_types/alltypes"`, true},
	} {
		files, err := gohandler.Emit(w, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if files[0].Path != "alltypes/handler.go" || files[1].Path != "service.go.txt" {
			t.Fatalf("files %s, %s", files[0].Path, files[1].Path)
		}
		stub := string(files[1].Content)
		if !strings.Contains(stub, "\n\t"+c.imp+"\n") {
			t.Errorf("%+v: the stub does not import %s without an alias:\n%s", c.opts, c.imp, stub)
		}
		if got := strings.Contains(stub, "found no go.mod above its output directory"); got != c.noModule {
			t.Errorf("%+v: the stub says there is no go.mod: %v, want %v", c.opts, got, c.noModule)
		}
	}
}
