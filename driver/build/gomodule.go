package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/callspec/callspec/compiler/emit/gohandler"
)

// ImportRoot finds the Go import path of the output directory out: the
// module path of the go.mod nearest above it (out included), then out
// relative to that module's root, as the go command resolves packages. When
// no go.mod is found, it returns callspec's own path with NoModule set, and
// the stub says that its import path must be changed.
func ImportRoot(out string) (gohandler.Options, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return gohandler.Options{}, err
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		gomod := filepath.Join(dir, "go.mod")
		b, err := os.ReadFile(gomod)
		if err == nil {
			mod := modfile.ModulePath(b)
			if mod == "" {
				return gohandler.Options{}, fmt.Errorf("%s has no module line, so the import path of the generated code under %s is unknown; add `module <path>` to it (go mod init)", gomod, out)
			}
			rel, err := filepath.Rel(dir, abs)
			if err != nil {
				return gohandler.Options{}, err
			}
			return gohandler.Options{ImportRoot: path.Join(mod, filepath.ToSlash(rel))}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return gohandler.Options{}, fmt.Errorf("read %s: %w", gomod, err)
		}
		if parent := filepath.Dir(dir); parent == dir {
			return gohandler.Options{ImportRoot: gohandler.DefaultImportRoot, NoModule: true}, nil
		}
	}
}
