// Package build turns checked workflows into the files under generated/:
// it runs every emitter, adds manifest.json with each file's sha256, and
// either writes the result atomically or, for --check, compares it with
// what is on disk. Output is byte-for-byte deterministic: no timestamps,
// versions or absolute paths, and every list in a stable order.
//
// callspec build runs a Stream: each workflow is emitted as soon as lint
// has checked it, its files compared with the output directory (on a
// first build, written into the new directory) and its IR released, so
// that memory holds the manifest entries and the files a write needs, not
// every workflow's CEL environment and files at once.
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
	"sync"

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
// while its whole IR is at hand, and returns either its files, when they
// read no other workflow after all (a page that links none), or what
// makes them once every workflow's docpage.Summary is known (set),
// holding meanwhile what it rendered, not the IR; All runs once at the
// end over the summaries.
type SetEmitter struct {
	Name string
	Each func(w *ir.Workflow, opts GenerateOptions) (now []File, later func(set map[string]*ir.Workflow) []File, err error)
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
	return filesOf(gohandler.Emit(w, opts.Go))
}

// emitProviderConfigs writes providers/<name>.json for each target that has
// an API configuration.
func emitProviderConfigs(w *ir.Workflow, _ GenerateOptions) ([]File, error) {
	return filesOf(configs.Configs(w))
}

// emitted is the shape of an emitter package's file type (gohandler.File,
// configs.ConfigFile): a path and its content.
type emitted = struct {
	Path    string
	Content []byte
}

// filesOf turns an emitter's files into build's.
func filesOf[T ~emitted](out []T, err error) ([]File, error) {
	if err != nil {
		return nil, err
	}
	files := make([]File, len(out))
	for i, f := range out {
		e := emitted(f)
		files[i] = File{Path: e.Path, Content: e.Content}
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

func emitPage(w *ir.Workflow, opts GenerateOptions) ([]File, func(map[string]*ir.Workflow) []File, error) {
	p, err := docpage.Start(w, opts.Changes)
	if err != nil {
		return nil, nil, fmt.Errorf("docs page of %s: %w", w.ID, err)
	}
	name := path.Join(w.ID, docpage.PageName)
	if !p.ReadsOthers() {
		// Most pages link no other workflow: finished now, they are
		// written (or compared) with the workflow's other files instead
		// of being held, a page each, until every workflow is known.
		return []File{{Path: name, Content: p.Finish(nil)}}, nil, nil
	}
	return nil, func(set map[string]*ir.Workflow) []File {
		return []File{{Path: name, Content: p.Finish(set)}}
	}, nil
}

func emitIndex(set []*ir.Workflow, _ GenerateOptions) ([]File, error) {
	if len(set) == 0 {
		return nil, nil // an empty set has no pages, not even an empty index
	}
	return []File{{Path: docpage.IndexName, Content: docpage.Index(set)}}, nil
}

// clip returns b in an array of its own length when the buffer it was
// written into is much larger: the emitters' buffers grow by doubling,
// and a file that a rebuild changes is held until the build writes it.
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
	s := &Stream{gen: opts, settle: func([]File) error { return nil }}
	parallel.ForEach(len(ws), 0, func(i int) { s.Add(ws[i]) })
	files, err := s.generated()
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

// Stream is a build that takes its workflows one at a time, as lint
// checks them: Add emits a workflow's files and compares them with what
// the output directory holds (for a first build, writes them into the
// new directory that Finish renames into place), keeping only what the
// write at the end needs, so that memory never holds every workflow's IR
// and files at once. Finish makes the files over the whole set, plans
// and, unless the stream checks, writes: a build refused (by lint) after
// some Adds calls Close without Finish, and the output directory is as it
// was.
type Stream struct {
	gen    GenerateOptions
	t      *target
	settle func([]File) error

	// err is Start's error, which Finish returns: a build that lint
	// refuses says so and not what is wrong with the output directory.
	err error

	mu        sync.Mutex
	files     []File
	summaries []*ir.Workflow
	pending   []func(map[string]*ir.Workflow) []File
	errs      []idError
}

// idError is an error of one workflow's emitters.
type idError struct {
	id  string
	err error
}

// Start begins a build of the directory out: Finish writes it as Write
// does or, with check, compares it as Check does. When out cannot be
// used, Add does nothing and Finish says why.
func Start(out string, gen GenerateOptions, check bool) *Stream {
	t, err := openTarget(out, !check)
	return &Stream{gen: gen, t: t, settle: t.settle, err: err}
}

// Close releases the output directory, and removes the new directory of
// a first build that did not finish.
func (s *Stream) Close() { s.t.close() }

// Add emits w, which lint checked; it may be called from several
// goroutines at once. An error is Finish's.
func (s *Stream) Add(w *ir.Workflow) {
	if s.err != nil {
		return
	}
	files, pending, err := emitWorkflow(w, s.gen)
	if err == nil {
		err = s.settle(files)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs = append(s.errs, idError{w.ID, err})
		return
	}
	s.files = append(s.files, files...)
	s.summaries = append(s.summaries, docpage.Summary(w))
	s.pending = append(s.pending, pending...)
}

// Workflows is the number of workflows added.
func (s *Stream) Workflows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.summaries) + len(s.errs)
}

// Finish makes the files over every workflow added, then writes the
// output or compares it (see Start). It returns the number of files of
// the output, manifest included.
func (s *Stream) Finish(opts WriteOptions) (Diff, int, error) {
	if s.err != nil {
		return Diff{}, 0, s.err
	}
	files, err := s.generated()
	if err != nil {
		return Diff{}, 0, err
	}
	d, err := s.t.finish(files, opts)
	return d, len(files) + 1, err
}

// generated finishes what Add left pending and makes the files over the
// set, and returns every file but the manifest, sorted by path, with its
// sha256. An emitter's error starts "generate: "; settle's are returned
// as they are.
func (s *Stream) generated() ([]File, error) {
	slices.SortFunc(s.errs, func(a, b idError) int { return strings.Compare(a.id, b.id) })
	errs := make([]error, len(s.errs))
	for i, e := range s.errs {
		errs[i] = e.err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(s.summaries, func(a, b *ir.Workflow) int { return strings.Compare(a.ID, b.ID) })
	set := make(map[string]*ir.Workflow, len(s.summaries))
	for _, w := range s.summaries {
		set[w.ID] = w
	}
	// The files of the set are made in parallel, each into its own slot.
	late := make([][]File, len(s.pending))
	lateErrs := make([]error, len(s.pending))
	parallel.ForEach(len(s.pending), 0, func(i int) {
		late[i] = s.pending[i](set)
		for k := range late[i] {
			late[i][k].Set = true
		}
		var err error
		if late[i], err = checked(late[i], set); err != nil {
			lateErrs[i] = fmt.Errorf("generate: %w", err)
			return
		}
		lateErrs[i] = s.settle(late[i])
	})
	if err := errors.Join(lateErrs...); err != nil {
		return nil, err
	}
	s.pending = nil
	files := s.files
	for _, fs := range late {
		files = append(files, fs...)
	}
	for _, e := range SetEmitters {
		out, err := e.All(s.summaries, s.gen)
		for i := range out {
			out[i].Set = true
		}
		if err == nil {
			out, err = checked(out, set)
		}
		if err != nil {
			return nil, fmt.Errorf("generate: emit %s: %w", e.Name, err)
		}
		if err := s.settle(out); err != nil {
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

// emitWorkflow runs every workflow emitter for w, whose paths it puts
// under <id>/, and each SetEmitter's Each, whose files it returns to make
// later.
func emitWorkflow(w *ir.Workflow, opts GenerateOptions) ([]File, []func(map[string]*ir.Workflow) []File, error) {
	var files []File
	for _, e := range WorkflowEmitters {
		out, err := e.Emit(w, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("generate: emit %s for workflow %s: %w", e.Name, w.ID, err)
		}
		for _, f := range out {
			files = append(files, File{Path: path.Join(w.ID, f.Path), Content: f.Content})
		}
	}
	var pending []func(map[string]*ir.Workflow) []File
	for _, e := range SetEmitters {
		now, later, err := e.Each(w, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("generate: emit %s: %w", e.Name, err)
		}
		for _, f := range now {
			f.Set = true
			files = append(files, f)
		}
		if later != nil {
			pending = append(pending, later)
		}
	}
	files, err := checked(files, map[string]*ir.Workflow{w.ID: w})
	if err != nil {
		return nil, nil, fmt.Errorf("generate: %w", err)
	}
	return files, pending, nil
}

// checked clips the buffers of files and computes their sha256, after
// making sure that every path is one Write and Check trust: under the
// directory <id>/ of a workflow of ids, or at the top, and not the
// manifest.
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
