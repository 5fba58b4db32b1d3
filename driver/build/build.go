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

// SetEmitter produces files that cover every workflow (an index page),
// with paths relative to the output directory.
type SetEmitter struct {
	Name string
	Emit func(ws []*ir.Workflow, opts GenerateOptions) ([]File, error)
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

// SetEmitters run once per build.
var SetEmitters = []SetEmitter{
	// One emitter writes every page, <id>/README.md and index.md, because
	// a page links its related workflows by title.
	{Name: "docs", Emit: emitDocs},
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

func emitDocs(ws []*ir.Workflow, opts GenerateOptions) ([]File, error) {
	pages, err := docpage.PagesSince(ws, opts.Changes)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(pages))
	for i, p := range pages {
		files[i] = File{Path: p.Path, Content: p.Content}
	}
	return files, nil
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
				perWorkflow[i] = append(perWorkflow[i], File{Path: path.Join(w.ID, f.Path), Content: clip(f.Content)})
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
		for _, f := range out {
			f.Set = true
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	ids := make(map[string]bool, len(ws))
	for _, w := range ws {
		ids[w.ID] = true
	}
	for i, f := range files {
		// Write and Check tell a workflow's files by their directory, and
		// trust only manifest paths of this form.
		if !validPath(f.Path) || f.Path == ManifestName || (owner(f.Path) != "" && !ids[owner(f.Path)]) {
			return nil, fmt.Errorf("an emitter writes %q: outputs go under a workflow's directory <id>/ or at the top (not %s), in names of letters, digits, '.', '_' and '-'", f.Path, ManifestName)
		}
		if i > 0 && f.Path == files[i-1].Path {
			return nil, fmt.Errorf("two emitters write %s", f.Path)
		}
	}
	parallel.ForEach(len(files), 0, func(i int) { files[i].sum = sum(files[i].Content) })
	manifest, err := Manifest(files)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ManifestName, Content: manifest})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}
