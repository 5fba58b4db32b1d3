package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/readfile"
	"github.com/callspec/callspec/rules/catalog"
)

// SpecExtensions are the file name endings read as specs.
var SpecExtensions = []string{".yaml", ".yml"}

// ConfigFileName is the name of the repository configuration file, which is
// skipped when directories are expanded.
const ConfigFileName = "callspec.yaml"

// Skipped is a file a directory walk found among the specs and did not
// lint, because reading it could leave the directory or hang.
type Skipped struct {
	Path string
	// Reason completes "skipped PATH: ", e.g. "it is a named pipe, not
	// a regular file".
	Reason string
}

// input is one spec file to lint.
type input struct {
	// path is the file as findings name it: the walked directory joined
	// with name, or the path as it was named.
	path string
	// root is the walked directory the file was found in, through which
	// it is read; nil for a file named on the command line.
	root *os.Root
	name string // slash-separated, relative to root
	// stdin: the spec is read from stdin (the path "-"); content holds
	// it, at most MaxFileSize+1 bytes, once readStdin has run.
	stdin   bool
	content []byte
}

// readStdin reads the spec given as "-" and names it.
func (x *expansion) readStdin(opts Options) error {
	for i := range x.inputs {
		in := &x.inputs[i]
		if !in.stdin {
			continue
		}
		if opts.Stdin == nil {
			return fmt.Errorf("this command reads no spec from stdin (-); name spec files or the directories that hold them")
		}
		content, err := io.ReadAll(io.LimitReader(opts.Stdin, spec.MaxFileSize+1))
		if err != nil {
			return fmt.Errorf("read the spec from stdin: %w", err)
		}
		in.path, in.content = cmp.Or(opts.StdinName, DefaultStdinName), content
		slices.SortFunc(x.inputs, func(a, b input) int { return strings.Compare(a.path, b.path) })
		break // named once (expand)
	}
	return nil
}

// expansion is what expand found.
type expansion struct {
	inputs  []input
	skipped []Skipped
	roots   []*os.Root // closed by close, after the files are read
}

func (x *expansion) close() {
	for _, r := range x.roots {
		r.Close()
	}
}

// ExpandPaths turns files and directories into the sorted list of spec
// files, as expand does (which see), dropping what it skipped.
func ExpandPaths(paths []string) ([]string, error) {
	x, err := expand(paths)
	if err != nil {
		return nil, err
	}
	x.close()
	out := make([]string, len(x.inputs))
	for i, in := range x.inputs {
		out[i] = in.path
	}
	return out, nil
}

// expand turns files and directories into the spec files to lint, sorted
// by path. It is the one place where every command (lint, build, test,
// serve, decode, send) finds its specs; specs in CI come from untrusted
// pull requests, so a walk reads nothing outside the directory it walks
// and never opens what could hang.
//
// A named file is taken as named (a symbolic link is followed: the user
// chose it), but it must be a regular file; anything else is an error, as
// is a path that does not exist. A directory is walked recursively for
// .yaml and .yml files, skipping hidden directories and callspec.yaml,
// through an os.Root: a symbolic link is followed only when it is relative
// and stays inside the directory, a link to a directory is not walked
// (what it names inside the directory is walked there), and a named pipe,
// device or socket is never opened. Those files are listed as skipped.
// A walked file that is not a spec is left out when it is read (see
// load). The path "-" is stdin (see readStdin).
func expand(paths []string) (*expansion, error) {
	x := &expansion{}
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "-" {
			if seen[p] {
				x.close()
				return nil, fmt.Errorf("stdin (-) is named twice; a spec can be read from it once")
			}
			seen[p] = true
			x.inputs = append(x.inputs, input{path: p, stdin: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			x.close()
			return nil, fmt.Errorf("read %s: %w", p, readfile.Cause(err))
		}
		if info.IsDir() {
			if err := x.walk(p, seen); err != nil {
				x.close()
				return nil, err
			}
			continue
		}
		if !info.Mode().IsRegular() {
			x.close()
			return nil, fmt.Errorf("read %s: %v; name spec files or the directories that hold them",
				p, &readfile.NotRegularError{Kind: readfile.Kind(info.Mode())})
		}
		if !seen[p] {
			seen[p] = true
			x.inputs = append(x.inputs, input{path: p})
		}
	}
	slices.SortFunc(x.inputs, func(a, b input) int { return strings.Compare(a.path, b.path) })
	slices.SortFunc(x.skipped, func(a, b Skipped) int { return strings.Compare(a.Path, b.Path) })
	return x, nil
}

// SkipsDir reports whether a directory of this name is skipped when a
// directory given as a path is searched: hidden ones are.
func SkipsDir(name string) bool { return strings.HasPrefix(name, ".") }

// IsSpecFile reports whether a file of this name is read as a spec when a
// directory given as a path is searched: .yaml and .yml files other than
// the configuration.
func IsSpecFile(name string) bool {
	return name != ConfigFileName && name != "callspec.yml" && slices.Contains(SpecExtensions, path.Ext(name))
}

// walk adds the spec files under dir.
func (x *expansion) walk(dir string, seen map[string]bool) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, readfile.Cause(err))
	}
	x.roots = append(x.roots, root)
	return fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err != nil {
			return fmt.Errorf("read %s: %w", full, readfile.Cause(err))
		}
		if d.IsDir() {
			if name != "." && SkipsDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !IsSpecFile(d.Name()) || seen[full] {
			return nil
		}
		seen[full] = true
		if why := skipReason(root, dir, name, d.Type()); why != "" {
			x.skipped = append(x.skipped, Skipped{Path: full, Reason: why})
			return nil
		}
		x.inputs = append(x.inputs, input{path: full, root: root, name: name})
		return nil
	})
}

// skipReason says why the walk of dir does not lint the file name (of type
// t, as the directory lists it), or "" when it is a regular file inside.
func skipReason(root *os.Root, dir, name string, t fs.FileMode) string {
	if t.IsRegular() {
		return ""
	}
	if t&fs.ModeSymlink == 0 {
		return fmt.Sprintf("it is %s, not a regular file", readfile.Kind(t))
	}
	info, err := root.Stat(name) // follows the link, inside dir only
	switch {
	case err == nil && info.Mode().IsRegular():
		return ""
	case err == nil:
		return fmt.Sprintf("it is a symbolic link to %s, not to a regular file", readfile.Kind(info.Mode()))
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
		return "it is a broken symbolic link"
	}
	return fmt.Sprintf("it is a symbolic link that leads out of %s or is absolute; a walk follows only relative links that stay inside the directory (name the file to lint it)", dir)
}

// readSpec reads at most MaxFileSize+1 bytes, so a huge file costs no
// more memory than the limit. A walked file is read through its
// directory's root, so a link swapped in after the walk cannot lead out.
// Of a file over the limit it returns no content, except for a walked
// file: its first MaxFileSize bytes, which decide whether it is a spec at
// all (too large) or a YAML file of something else (skipped).
func readSpec(in input) ([]byte, int64, error) {
	if in.stdin {
		return in.content, int64(len(in.content)), nil
	}
	name := in.path
	if in.root != nil {
		name = in.name
	}
	fh, info, err := readfile.Open(in.root, name)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", in.path, readfile.Cause(err))
	}
	defer fh.Close()
	if info.Size() > spec.MaxFileSize {
		if in.root == nil {
			return nil, info.Size(), nil
		}
		prefix, err := io.ReadAll(io.LimitReader(fh, spec.MaxFileSize))
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", in.path, err)
		}
		return prefix, info.Size(), nil
	}
	content, err := io.ReadAll(io.LimitReader(fh, spec.MaxFileSize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", in.path, err)
	}
	return content, int64(len(content)), nil
}

// callspecKey is a line that starts the top-level `callspec:` key.
var callspecKey = regexp.MustCompile(`^(callspec|"callspec"|'callspec')[ \t]*:([ \t]|$)`)

// isSpec reports whether a file is a spec: a YAML mapping with a top-level
// callspec key. When the file loaded, the loader says so; when it did not
// (invalid YAML, a binary byte), a line that starts with the key does.
// Lint shows nothing of a file that is not a spec (see notASpec), so naming
// one (a link to a credentials file, a binary) prints none of its bytes.
func isSpec(s *spec.Spec, content []byte) bool {
	if s != nil && s.Callspec.Set {
		return true
	}
	content = bytes.TrimPrefix(content, []byte("\ufeff"))
	for _, line := range bytes.FieldsFunc(content, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if callspecKey.Match(line) {
			return true
		}
	}
	return false
}

// notASpec is the one finding of a file that is not a spec. It quotes
// nothing from the file, and the file is reported without its content, so
// that no source line is shown either.
func notASpec(path string) fileResult {
	return fileResult{file: source.NewFile(path, nil), findings: []diag.Finding{catalog.Schema.At(source.PointRange(path, source.Pos{Line: 1, Col: 1}),
		"this file is not a spec (it has no top-level `callspec:` key), so lint reads no further and shows nothing of it; a spec starts with `callspec: 1`")}}
}
