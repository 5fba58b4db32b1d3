// Package build turns checked workflows into the files under generated/:
// it runs every emitter, adds manifest.json with each file's sha256, and
// either writes the result atomically or, for --check, compares it with
// what is on disk. Output is byte-for-byte deterministic: no timestamps,
// versions or absolute paths, and every list in a stable order.
//
// A workflow's output is its directory <id>/; the files at the top
// (index.md) cover every workflow. The manifest, which says
// "generator": "callspec build", is how a later build knows which files
// are callspec's: it removes only files the manifest lists, with the
// sha256 it lists, and refuses a directory whose manifest.json is not
// callspec's (see Write).
package build

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/compiler/emit/eventschema"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/providers/configs"
	_ "github.com/callspec/callspec/providers/configs/allconfigs" // registers every platform's emitter
)

// File is one generated file; Path is relative to the output directory and
// uses forward slashes.
type File struct {
	Path    string
	Content []byte
	// Set marks a file of a SetEmitter, whose content depends on every
	// workflow of the build (Generate sets it).
	Set bool
	// sum is the hex sha256 of Content, which Generate computes once for
	// the manifest and Write and Check use again; "" when not computed.
	sum string
	// state is how the file compares with the output directory, once
	// settled (see target.settle).
	state fileState
}

// release drops f's content once its sha256 is known, for a file that
// the build compared (or wrote) and will not write again.
func (f *File) release() {
	if f.sum == "" {
		f.sum = sum(f.Content)
	}
	f.Content = nil
}

// digest is the hex sha256 of f.Content.
func (f File) digest() string {
	if f.sum != "" {
		return f.sum
	}
	return sum(f.Content)
}

// WorkflowEmitter produces files for one workflow, with paths relative to
// the workflow's directory <id>/.
type WorkflowEmitter struct {
	Name string
	Emit func(w *ir.Workflow, opts GenerateOptions) ([]File, error)
}

// SetEmitter produces files whose content depends on other workflows of
// the build too (pages link their related workflows by title), with
// paths relative to the output directory. Each runs once per workflow,
// while its whole IR is at hand, and reads of the others only their
// docpage.Summary; All runs once at the end over every workflow's
// Summary.
type SetEmitter struct {
	Name string
	Each func(w *ir.Workflow, set map[string]*ir.Workflow, opts GenerateOptions) ([]File, error)
	All  func(set []*ir.Workflow, opts GenerateOptions) ([]File, error)
}

// GenerateOptions add to the output what the committed tree does not hold; the
// zero value builds exactly what `build --check` compares.
type GenerateOptions struct {
	// Changes puts a "Changes since" section on the docs page of each
	// workflow that changed (build --changes-against).
	Changes *docpage.Changes
	// Go says where the output directory is in the user's Go module, for
	// the import paths of the generated code (ImportRoot finds it); the
	// zero value is callspec's own generated/.
	Go gohandler.Options
}

// WorkflowEmitters run for each workflow, in order. Adding an output is one
// entry here.
var WorkflowEmitters = []WorkflowEmitter{
	{Name: "schema", Emit: emitSchemas},
	{Name: "providers", Emit: emitProviderConfigs},
	{Name: "handler", Emit: emitHandler},
	{Name: "setup", Emit: emitSetup},
}

// SetEmitters run for each workflow and once over the set.
var SetEmitters = []SetEmitter{
	// One emitter writes every page, <id>/README.md and index.md, because
	// a page links its related workflows by title.
	{Name: "docs", Each: emitPage, All: emitIndex},
}

func emitHandler(w *ir.Workflow, opts GenerateOptions) ([]File, error) {
	out, err := gohandler.Emit(w, opts.Go)
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
func emitProviderConfigs(w *ir.Workflow, _ GenerateOptions) ([]File, error) {
	out, err := configs.Configs(w)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(out))
	for i, f := range out {
		files[i] = File{Path: f.Path, Content: f.Content}
	}
	return files, nil
}

func emitSchemas(w *ir.Workflow, _ GenerateOptions) ([]File, error) {
	outcome, err := eventschema.Outcome(w)
	if err != nil {
		return nil, err
	}
	handoff, err := eventschema.Handoff(w)
	if err != nil {
		return nil, err
	}
	return []File{{Path: "outcome.schema.json", Content: outcome}, {Path: "handoff.schema.json", Content: handoff}}, nil
}

// emitSetup writes <id>/SETUP.md, how to go live on each target; it
// links no other workflow, so a build of some specs refreshes it.
func emitSetup(w *ir.Workflow, _ GenerateOptions) ([]File, error) {
	b, err := docpage.Setup(w)
	if err != nil || b == nil {
		return nil, err
	}
	return []File{{Path: docpage.SetupName, Content: b}}, nil
}

func emitPage(w *ir.Workflow, set map[string]*ir.Workflow, opts GenerateOptions) ([]File, error) {
	b, err := docpage.PageSince(w, set, opts.Changes)
	if err != nil {
		return nil, fmt.Errorf("docs page of %s: %w", w.ID, err)
	}
	return []File{{Path: path.Join(w.ID, docpage.PageName), Content: b}}, nil
}

func emitIndex(set []*ir.Workflow, _ GenerateOptions) ([]File, error) {
	if len(set) == 0 {
		return nil, nil // an empty set has no pages, not even an empty index
	}
	return []File{{Path: docpage.IndexName, Content: docpage.Index(set)}}, nil
}

// clip returns b in an array of its own length when the buffer it was
// written into is much larger: go/format's and encoding/json's buffers
// grow by doubling, and every file of every workflow is held until the
// build writes them (at 1,000 specs, 59 MB of buffers held 38 MB of
// files).
func clip(b []byte) []byte {
	if cap(b)-len(b) <= len(b)/8 {
		return b
	}
	return bytes.Clone(b)
}

// Generate runs every emitter over ws (which must have passed lint) and
// returns the complete output, manifest included, sorted by path.
func Generate(ws []*ir.Workflow) ([]File, error) { return GenerateWith(ws, GenerateOptions{}) }

// GenerateWith is Generate with options.
func GenerateWith(ws []*ir.Workflow, opts GenerateOptions) ([]File, error) {
	files, err := generate(slices.Clone(ws), opts, func([]File) error { return nil })
	if err != nil {
		return nil, err
	}
	manifest, err := Manifest(files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ManifestName, Content: manifest})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// Build generates the output of ws (which must have passed lint) and
// writes it into out as Write does, or, with check, compares it with out
// as Check does, a workflow at a time: each workflow's files are compared
// with what out holds (and, for a first build, written into the new
// directory) as soon as they are made, and only the files a write needs
// keep their content. It returns the number of files of the output,
// manifest included.
//
// Build releases ws: it sorts it and sets each ws[i] to nil once the
// workflow's files are made, so that a caller that drops its own
// references holds no more than one workflow's IR per emitter (its CEL
// environment and checked rules) and the summaries the docs index reads.
func Build(out string, ws []*ir.Workflow, gen GenerateOptions, opts WriteOptions, check bool) (Diff, int, error) {
	t, err := openTarget(out, !check)
	if err != nil {
		return Diff{}, 0, err
	}
	defer t.close()
	files, err := generate(ws, gen, t.settle)
	if err != nil {
		return Diff{}, 0, err
	}
	d, err := t.finish(files, opts)
	return d, len(files) + 1, err
}

// generate runs every emitter over ws, sorted by id in place, and passes
// each workflow's files to settle as soon as they are made (from the
// emitting goroutine), then the files over the whole set. Each ws[i] is
// set to nil once its files are made. It returns the files, sorted by
// path, with their sha256, and without the manifest. An emitter's error
// starts "generate: "; settle's are returned as they are.
func generate(ws []*ir.Workflow, opts GenerateOptions, settle func([]File) error) ([]File, error) {
	slices.SortFunc(ws, func(a, b *ir.Workflow) int { return strings.Compare(a.ID, b.ID) })
	summaries := make([]*ir.Workflow, len(ws))
	set := make(map[string]*ir.Workflow, len(ws))
	for i, w := range ws {
		summaries[i] = docpage.Summary(w)
		set[w.ID] = summaries[i]
	}
	// Workflows are emitted in parallel, on as many goroutines as there
	// are cores (each holds one workflow's files at a time), each into its
	// own slot, so the result does not depend on scheduling.
	perWorkflow := make([][]File, len(ws))
	errs := make([]error, len(ws))
	parallel.ForEach(len(ws), 0, func(i int) {
		w := ws[i]
		files, err := emitWorkflow(w, set, opts)
		if err != nil {
			errs[i] = fmt.Errorf("generate: %w", err)
			return
		}
		if errs[i] = settle(files); errs[i] != nil {
			return
		}
		perWorkflow[i] = files
		ws[i] = nil
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var files []File
	for _, fs := range perWorkflow {
		files = append(files, fs...)
	}
	for _, e := range SetEmitters {
		out, err := e.All(summaries, opts)
		for i := range out {
			out[i].Set = true
		}
		if err == nil {
			out, err = checked(out, set)
		}
		if err != nil {
			return nil, fmt.Errorf("generate: emit %s: %w", e.Name, err)
		}
		if err := settle(out); err != nil {
			return nil, err
		}
		files = append(files, out...)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("generate: two emitters write %s", files[i].Path)
		}
	}
	return files, nil
}

// emitWorkflow runs every emitter for w: the workflow emitters, whose
// paths it puts under <id>/, and each SetEmitter's Each.
func emitWorkflow(w *ir.Workflow, set map[string]*ir.Workflow, opts GenerateOptions) ([]File, error) {
	var files []File
	for _, e := range WorkflowEmitters {
		out, err := e.Emit(w, opts)
		if err != nil {
			return nil, fmt.Errorf("emit %s for workflow %s: %w", e.Name, w.ID, err)
		}
		for _, f := range out {
			files = append(files, File{Path: path.Join(w.ID, f.Path), Content: f.Content})
		}
	}
	for _, e := range SetEmitters {
		out, err := e.Each(w, set, opts)
		if err != nil {
			return nil, fmt.Errorf("emit %s: %w", e.Name, err)
		}
		for _, f := range out {
			f.Set = true
			files = append(files, f)
		}
	}
	return checked(files, set)
}

// checked clips the buffers of files and computes their sha256, after
// making sure that every path is one Write
// and Check trust: under a workflow's directory <id>/ or at the top, and
// not the manifest.
func checked(files []File, ids map[string]*ir.Workflow) ([]File, error) {
	for i := range files {
		f := &files[i]
		if !validPath(f.Path) || f.Path == ManifestName || (owner(f.Path) != "" && ids[owner(f.Path)] == nil) {
			return nil, fmt.Errorf("an emitter writes %q: outputs go under a workflow's directory <id>/ or at the top (not %s), in names of letters, digits, '.', '_' and '-'", f.Path, ManifestName)
		}
		f.Content = clip(f.Content)
		f.sum = sum(f.Content)
	}
	return files, nil
}
