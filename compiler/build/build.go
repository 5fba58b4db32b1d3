// Package build turns checked workflows into the files under generated/:
// it runs every emitter, adds manifest.json with each file's sha256, and
// either writes the result atomically or, for --check, compares it with
// what is on disk. Output is byte-for-byte deterministic: no timestamps,
// versions or absolute paths, and every list in a stable order.
package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/callspec/callspec/compiler/emit/docs"
	"github.com/callspec/callspec/compiler/emit/handler"
	"github.com/callspec/callspec/compiler/emit/schema"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all" // registers every platform
)

// File is one generated file; Path is relative to the output directory and
// uses forward slashes.
type File struct {
	Path    string
	Content []byte
}

// WorkflowEmitter produces files for one workflow, with paths relative to
// the workflow's directory <id>/.
type WorkflowEmitter struct {
	Name string
	Emit func(w *ir.Workflow, opts Options) ([]File, error)
}

// SetEmitter produces files that cover every workflow (an index page),
// with paths relative to the output directory.
type SetEmitter struct {
	Name string
	Emit func(ws []*ir.Workflow, opts Options) ([]File, error)
}

// Options add to the output what the committed tree does not hold; the
// zero value builds exactly what `build --check` compares.
type Options struct {
	// Changes puts a "Changes since" section on the docs page of each
	// workflow that changed (build --changes-against).
	Changes *docs.Changes
	// Go says where the output directory is in the user's Go module, for
	// the import paths of the generated code (ImportRoot finds it); the
	// zero value is callspec's own generated/.
	Go handler.Options
}

// WorkflowEmitters run for each workflow, in order. Adding an output is one
// entry here.
var WorkflowEmitters = []WorkflowEmitter{
	{Name: "schema", Emit: emitSchemas},
	{Name: "providers", Emit: emitProviderConfigs},
	{Name: "handler", Emit: emitHandler},
}

// SetEmitters run once per build.
var SetEmitters = []SetEmitter{
	// One emitter writes every page, <id>/README.md and index.md, because
	// a page links its related workflows by title.
	{Name: "docs", Emit: emitDocs},
}

// ManifestName is the manifest's file name in the output directory.
const ManifestName = "manifest.json"

func emitHandler(w *ir.Workflow, opts Options) ([]File, error) {
	out, err := handler.Emit(w, opts.Go)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(out))
	for i, f := range out {
		files[i] = File{Path: f.Path, Content: f.Content}
	}
	return files, nil
}

// emitProviderConfigs writes providers/<name>.json for each target that has
// an API configuration.
func emitProviderConfigs(w *ir.Workflow, _ Options) ([]File, error) {
	out, err := providers.Configs(w)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(out))
	for i, f := range out {
		files[i] = File{Path: f.Path, Content: f.Content}
	}
	return files, nil
}

func emitSchemas(w *ir.Workflow, _ Options) ([]File, error) {
	outcome, err := schema.Outcome(w)
	if err != nil {
		return nil, err
	}
	handoff, err := schema.Handoff(w)
	if err != nil {
		return nil, err
	}
	return []File{{Path: "outcome.schema.json", Content: outcome}, {Path: "handoff.schema.json", Content: handoff}}, nil
}

func emitDocs(ws []*ir.Workflow, opts Options) ([]File, error) {
	pages, err := docs.PagesSince(ws, opts.Changes)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(pages))
	for i, p := range pages {
		files[i] = File{Path: p.Path, Content: p.Content}
	}
	return files, nil
}

// Generate runs every emitter over ws (which must have passed lint) and
// returns the complete output, manifest included, sorted by path.
func Generate(ws []*ir.Workflow) ([]File, error) { return GenerateWith(ws, Options{}) }

// GenerateWith is Generate with options.
func GenerateWith(ws []*ir.Workflow, opts Options) ([]File, error) {
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b *ir.Workflow) int { return strings.Compare(a.ID, b.ID) })
	// Workflows are emitted in parallel, each into its own slot, so the
	// result does not depend on scheduling.
	perWorkflow := make([][]File, len(ws))
	errs := make([]error, len(ws))
	parallel.ForEach(len(ws), 0, func(i int) {
		w := ws[i]
		for _, e := range WorkflowEmitters {
			out, err := e.Emit(w, opts)
			if err != nil {
				errs[i] = fmt.Errorf("emit %s for workflow %s: %w", e.Name, w.ID, err)
				return
			}
			for _, f := range out {
				perWorkflow[i] = append(perWorkflow[i], File{Path: path.Join(w.ID, f.Path), Content: f.Content})
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var files []File
	for _, fs := range perWorkflow {
		files = append(files, fs...)
	}
	for _, e := range SetEmitters {
		out, err := e.Emit(ws, opts)
		if err != nil {
			return nil, fmt.Errorf("emit %s: %w", e.Name, err)
		}
		files = append(files, out...)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("two emitters write %s", files[i].Path)
		}
	}
	manifest, err := Manifest(files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ManifestName, Content: manifest})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

type manifestEntry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Manifest lists every file with its sha256.
func Manifest(files []File) ([]byte, error) {
	m := struct {
		Generator string          `json:"generator"`
		Files     []manifestEntry `json:"files"`
	}{Generator: "callspec build", Files: []manifestEntry{}}
	for _, f := range files {
		sum := sha256.Sum256(f.Content)
		m.Files = append(m.Files, manifestEntry{Path: f.Path, SHA256: hex.EncodeToString(sum[:])})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Diff is the difference between generated output and a directory.
type Diff struct {
	Stale   []string // on disk with other content
	Missing []string // generated but not on disk
	Extra   []string // on disk but no longer generated
}

// Empty reports whether the directory matches.
func (d Diff) Empty() bool { return len(d.Stale)+len(d.Missing)+len(d.Extra) == 0 }

// Check compares files with the directory out without writing anything.
func Check(out string, files []File) (Diff, error) {
	var d Diff
	existing, err := listFiles(out)
	if err != nil {
		return d, err
	}
	if existing == nil {
		// Nothing to read: a missing or empty directory lacks every file.
		return Diff{Missing: paths(files)}, nil
	}
	// Reading thousands of small files is bound by system calls, which
	// overlap beyond the number of cores, like writing them.
	const (
		same = iota
		stale
		missing
	)
	state := make([]int, len(files))
	readErrs := make([]error, len(files))
	parallel.ForEach(len(files), writers, func(i int) {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(files[i].Path)))
		switch {
		case err != nil && os.IsNotExist(err):
			state[i] = missing
		case err != nil:
			readErrs[i] = fmt.Errorf("read %s: %w", files[i].Path, err)
		case !bytes.Equal(b, files[i].Content):
			state[i] = stale
		}
	})
	if err := errors.Join(readErrs...); err != nil {
		return d, err
	}
	want := make(map[string]bool, len(files))
	for i, f := range files {
		want[f.Path] = true
		switch state[i] {
		case missing:
			d.Missing = append(d.Missing, f.Path)
		case stale:
			d.Stale = append(d.Stale, f.Path)
		}
	}
	for _, p := range existing {
		if !want[p] {
			d.Extra = append(d.Extra, p)
		}
	}
	return d, nil
}

// listFiles returns the files under dir, relative and slash-separated; a
// missing dir has none.
func listFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipAll
			}
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	slices.Sort(out)
	return out, nil
}

// writers is the number of files Write writes at once.
const writers = 8

// Write makes the directory out hold exactly files. When out does not
// exist, the whole tree is written into a temporary sibling directory and
// renamed into place at the end, so out appears complete or not at all.
// Otherwise each changed file is written to a temporary file and renamed
// into place, so a reader never sees half a file; unchanged files are not
// touched; files that are no longer generated are removed. A directory that
// holds files but no manifest.json was not made by callspec build, and is
// refused.
func Write(out string, files []File) (Diff, error) {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return writeFresh(out, files)
	}
	d, err := Check(out, files)
	if err != nil {
		return d, err
	}
	if len(d.Extra) > 0 {
		if _, err := os.Stat(filepath.Join(out, ManifestName)); err != nil {
			return d, fmt.Errorf("refusing to write into %s: it holds files (%s…) but no %s, so callspec build did not make it; choose another --out or empty it",
				out, d.Extra[0], ManifestName)
		}
	}
	changedPaths := append(slices.Clone(d.Stale), d.Missing...)
	changed := make(map[string]bool, len(changedPaths))
	for _, p := range changedPaths {
		changed[p] = true
	}
	// Writing thousands of small files is bound by system calls, which
	// overlap well beyond the number of cores.
	if err := makeDirs(out, changedPaths); err != nil {
		return d, err
	}
	writeErrs := make([]error, len(files))
	parallel.ForEach(len(files), writers, func(i int) {
		if f := files[i]; changed[f.Path] {
			writeErrs[i] = writeAtomic(filepath.Join(out, filepath.FromSlash(f.Path)), f.Content)
		}
	})
	for _, err := range writeErrs {
		if err != nil {
			return d, err
		}
	}
	for _, p := range d.Extra {
		full := filepath.Join(out, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil {
			return d, fmt.Errorf("remove stale %s: %w", full, err)
		}
		removeEmptyParents(filepath.Dir(full), out)
	}
	return d, nil
}

// writeFresh writes files into a new directory beside out and renames it to
// out. Each file is created directly, without a temporary file of its own:
// on a first build of a thousand workflows the system calls per file are
// most of the time, and the directory rename already makes the tree appear
// at once.
func writeFresh(out string, files []File) (Diff, error) {
	d := Diff{Missing: paths(files)}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return d, fmt.Errorf("create %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, ".callspec-build-")
	if err != nil {
		return d, fmt.Errorf("create a temporary directory beside %s: %w", out, err)
	}
	// MkdirTemp makes the directory 0700; the output is as readable as any
	// directory the build makes.
	if err := os.Chmod(staging, 0o755); err != nil {
		os.RemoveAll(staging)
		return d, fmt.Errorf("create %s: %w", staging, err)
	}
	if err := makeDirs(staging, d.Missing); err != nil {
		os.RemoveAll(staging)
		return d, err
	}
	writeErrs := make([]error, len(files))
	parallel.ForEach(len(files), writers, func(i int) {
		name := filepath.Join(staging, filepath.FromSlash(files[i].Path))
		if err := os.WriteFile(name, files[i].Content, 0o644); err != nil {
			writeErrs[i] = fmt.Errorf("write %s: %w", filepath.Join(out, filepath.FromSlash(files[i].Path)), err)
		}
	})
	if err := errors.Join(writeErrs...); err != nil {
		os.RemoveAll(staging)
		return d, err
	}
	if err := os.Rename(staging, out); err != nil {
		os.RemoveAll(staging)
		return d, fmt.Errorf("move the new output into place: %w; if %s appeared during the build, run callspec build again", err, out)
	}
	return d, nil
}

func writeAtomic(name string, content []byte) error {
	// The temporary file is created with its final mode and a name unique
	// to this process, which saves CreateTemp's chmod: on a large build
	// the system calls per file are most of Write's time.
	tmpName := filepath.Join(filepath.Dir(name), fmt.Sprintf(".callspec-%d-%d", os.Getpid(), tmpCounter.Add(1)))
	tmp, err := os.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmpName, name); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// tmpCounter numbers this process's temporary files.
var tmpCounter atomic.Int64

// paths lists the files' paths, in order.
func paths(files []File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// makeDirs creates the directory of every file to write (slash-separated
// paths under out), once each, with one mkdir per directory. Directories
// of the same depth are made in parallel, after their parents; only out
// itself may need its own parents made.
func makeDirs(out string, files []string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	var byDepth [][]string
	seen := map[string]bool{}
	for _, f := range files {
		for dir := path.Dir(f); dir != "." && !seen[dir]; dir = path.Dir(dir) {
			seen[dir] = true
			depth := strings.Count(dir, "/")
			for len(byDepth) <= depth {
				byDepth = append(byDepth, nil)
			}
			byDepth[depth] = append(byDepth[depth], dir)
		}
	}
	for _, dirs := range byDepth {
		errs := make([]error, len(dirs))
		parallel.ForEach(len(dirs), writers, func(i int) {
			full := filepath.Join(out, filepath.FromSlash(dirs[i]))
			if err := os.Mkdir(full, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				errs[i] = fmt.Errorf("create %s: %w", full, err)
			}
		})
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

func removeEmptyParents(dir, stop string) {
	stop = filepath.Clean(stop)
	for dir != stop && strings.HasPrefix(dir, stop) {
		if err := os.Remove(dir); err != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
