// Package breaking compares each workflow with its version at another git
// ref, or in a directory holding another checkout, and reports what breaks
// the systems that consume it, like `buf breaking`: each change is a
// finding with a stable rule ID (package catalog) at the changed node of
// the new spec, and the message says where the old node was.
//
// A comparison, step by step (Run follows the same numbers):
//
//  1. The spec files under the paths are found as lint finds them. The
//     same paths, relative to the repository's top level, are looked up in
//     the other version: in a commit, with one `git ls-tree` and one
//     `git cat-file --batch` for all files, read while the working tree's
//     files load; in a directory, under it.
//  2. The working tree's files are loaded (not checked: the comparison
//     reads declarations, not CEL) and each is reduced to its contract
//     (contract.go), what consumers rely on and where it is written, so
//     its syntax tree is released at once.
//  3. Each old file is loaded the same way and compared (compare.go) with
//     the working tree's workflow of the same id: workflows are matched by
//     id, not by file name, so a moved file is not a removal. An old file
//     whose bytes equal the working tree's file at the same path is not
//     loaded again: it cannot have changed. A side that does not load is
//     not compared: the new side's load findings are reported, the old
//     side's file is named in a note.
//  4. An old id that no new workflow has is workflow-removed.
//  5. The `# callspec:ignore` comments of the new files and the severities
//     of callspec.yaml (by rule or category) apply as in lint, through
//     lint.Finish; a suppression of a breaking rule that matches nothing is
//     reported, those of lint rules are lint's.
package breaking

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/rules/catalog"
)

// Options configure a comparison.
type Options struct {
	// Paths are spec files and directories, as lint takes them, relative
	// to the working directory (or absolute) and inside the repository.
	Paths []string
	// Against is a git ref of the repository around the working
	// directory, or a directory holding the other version, under which
	// the paths are resolved relative to the repository's top level.
	Against string
	// Config sets severities by rule ID or category; nil uses the
	// defaults.
	Config *lint.Config
	// Parallelism is the number of files loaded at once; 0 means
	// GOMAXPROCS.
	Parallelism int
}

// Result is the outcome of a comparison.
type Result struct {
	// Findings are the breaking changes after suppressions and
	// severities, and the load findings of new files that could not be
	// compared, sorted as lint sorts.
	Findings []diag.Finding
	// Files holds every file of the working tree read, by path.
	Files map[string]*source.File
	// Compared lists those files' paths, sorted.
	Compared []string
	// Changes holds every change a rule describes, STRICT ones and
	// suppressed ones included, by workflow id and then position: what a
	// docs page lists as changed.
	Changes []Change
	// New lists the workflows that the other version does not have.
	New []string
	// Notes name the files of the other version that could not be
	// compared, as sentences.
	Notes []string
}

// side is one loaded spec file of either version, reduced to what the
// comparison needs once its syntax tree is released.
type side struct {
	// rel is the path relative to the version's root.
	rel string
	// id is the workflow id as written; its text is "" when unknown.
	id value
	// whole is where a change about the whole workflow points.
	whole source.Range
	// usable is true when the file loaded without errors, so that
	// comparing it says something true; contract is then its contract
	// (for an old file, until it has been compared).
	usable   bool
	contract *contract
	findings []diag.Finding
}

// load reduces a loaded spec to its side.
func load(rel string, s *spec.Spec, findings []diag.Finding) side {
	sd := side{rel: rel, findings: findings}
	if s == nil {
		return sd
	}
	c := contractOf(s)
	sd.id, sd.whole = c.id, c.whole
	if !slices.ContainsFunc(findings, func(f diag.Finding) bool { return f.Severity >= diag.Error }) {
		sd.usable, sd.contract = true, c
	}
	return sd
}

// newFile is a spec file of the working tree.
type newFile struct {
	side
	file *source.File
	// spec is kept only when the file holds a suppression comment, whose
	// reading needs it; nil too when the file did not load.
	spec   *spec.Spec
	loaded bool
	// compared is false when no breaking rule ran on the file.
	compared bool
}

// oldSpec is a file of the other version, compared as soon as it is
// loaded, so that the other version's contracts are never all held.
type oldSpec struct {
	side
	// same is the working tree's file at the same path when their bytes
	// are equal: the file was not loaded again.
	same *newFile
	// changes are the differences from the working tree's workflow with
	// the same id.
	changes []Change
}

// Run compares the specs under opts.Paths with their other version.
// Errors are Go errors (no repository, an unknown ref, unreadable files);
// findings are the changes.
func Run(opts Options) (*Result, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	// 1. Find the files on both sides.
	files, err := lint.ExpandPaths(opts.Paths)
	if err != nil {
		return nil, err
	}
	v, err := openVersion(wd, opts.Against)
	if err != nil {
		return nil, err
	}
	roots := make([]string, len(opts.Paths))
	for i, p := range opts.Paths {
		rel, ok := relPath(v.root, wd, p)
		if !ok {
			return nil, fmt.Errorf("%s is outside %s, where the paths are resolved in the other version; compare paths inside it", p, v.root)
		}
		roots[i] = rel
	}
	var old []oldFile
	var oldErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		old, oldErr = v.read(roots)
	}()

	// 2. Load the working tree's files while git reads the old ones.
	news := make([]newFile, len(files))
	errs := make([]error, len(files))
	parallel.ForEach(len(files), opts.Parallelism, func(i int) {
		l, err := lint.LoadFile(files[i])
		if err != nil {
			errs[i] = err
			return
		}
		rel, _ := relPath(v.root, wd, files[i])
		n := newFile{side: load(rel, l.Spec, l.Findings), file: l.File, loaded: l.Spec != nil}
		if bytes.Contains(l.File.Content, []byte(lint.SuppressionMarker)) {
			n.spec = l.Spec
		}
		news[i] = n
	})
	<-read
	if err := cmp.Or(append(errs, oldErr)...); err != nil {
		return nil, err
	}
	res := &Result{Files: make(map[string]*source.File, len(news))}
	byRel := make(map[string]*newFile, len(news))
	newByID := map[string]*newFile{}
	unusableIDs := map[string]bool{}
	var findings []diag.Finding
	for i := range news {
		n := &news[i]
		byRel[n.rel] = n
		res.Files[n.file.Path] = n.file
		res.Compared = append(res.Compared, n.file.Path)
		findings = append(findings, n.findings...)
		switch {
		case n.id.text == "":
		case !n.usable:
			unusableIDs[n.id.text] = true
		case newByID[n.id.text] == nil:
			newByID[n.id.text] = n // the first file with an id; lint reports the others
		}
	}

	// 3. Load each old file and compare it with the working tree's
	// workflow of the same id.
	olds := make([]oldSpec, len(old))
	parallel.ForEach(len(old), opts.Parallelism, func(i int) {
		f := old[i]
		var o oldSpec
		switch n := byRel[f.rel]; {
		case f.size > spec.MaxFileSize:
			o.side = side{findings: []diag.Finding{spec.TooLarge(f.rel, f.size)}}
		case n != nil && n.loaded && bytes.Equal(n.file.Content, f.content):
			o.side, o.same = n.side, n
		default:
			s, findings := spec.Load(f.rel, f.content)
			o.side = load(f.rel, s, findings)
		}
		o.rel = f.rel
		if n := newByID[o.id.text]; o.usable && n != nil && n != o.same {
			o.changes = compare(o.contract, n.contract, func(r source.Range) string {
				return v.at(f.rel, r.Start.Line, r.Start.Col)
			})
		}
		o.contract = nil
		old[i].content = nil
		olds[i] = o
	})
	// 4. The first old file with an id counts (lint reports duplicates);
	// an id no new workflow has is removed.
	oldIDs := map[string]bool{}
	for i := range olds {
		o := &olds[i]
		id := o.id.text
		if !o.usable {
			if id != "" {
				oldIDs[id] = true // its new version is not compared either
			}
			res.Notes = append(res.Notes, fmt.Sprintf("%s does not load as a spec (%s), so it is not compared", v.file(o.rel), firstError(o.findings)))
			continue
		}
		if id == "" || oldIDs[id] {
			continue // a second file with the id; lint reports the duplicate
		}
		oldIDs[id] = true
		switch n := newByID[id]; {
		case n != nil:
			n.compared = true
			res.Changes = append(res.Changes, o.changes...)
		case unusableIDs[id]:
		case byRel[o.rel] != nil && !byRel[o.rel].loaded:
			// The file at its path does not load: whether the workflow
			// is still there cannot be told, and the load findings say
			// what to fix.
		default:
			res.Changes = append(res.Changes, removed(v, o, byRel[o.rel], wd))
		}
	}
	for id, n := range newByID {
		if !oldIDs[id] {
			n.compared = true
			res.New = append(res.New, id)
		}
	}
	slices.Sort(res.New)
	slices.SortFunc(res.Changes, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Workflow, b.Workflow), diag.Compare(a.Finding, b.Finding))
	})

	// 5. Suppressions and severities.
	sups := make(map[string]*lint.Suppressions, len(news))
	for i := range news {
		n := &news[i]
		s := n.spec
		if !n.compared {
			s = nil // no breaking rule ran on it: none of its suppressions is stale
		}
		sups[n.file.Path] = lint.ReadSuppressions(n.file, s)
	}
	for _, c := range res.Changes {
		findings = append(findings, c.Finding)
	}
	res.Findings = lint.Finish(findings, sups, opts.Config, isBreakingRule)
	return res, nil
}

func isBreakingRule(rule string) bool {
	r, ok := catalog.Lookup(rule)
	return ok && r.Breaking()
}

// Breaking reports whether a change counts as breaking under cfg: its
// rule's configured severity, or its default, is not off.
func Breaking(c Change, cfg *lint.Config) bool {
	if sev, ok := cfg.Severity(c.Finding.Rule); ok {
		return sev != diag.Off
	}
	return c.Finding.Severity != diag.Off
}

func firstError(fs []diag.Finding) string {
	for _, f := range fs {
		if f.Severity >= diag.Error {
			return fmt.Sprintf("line %d: %s", f.Range.Start.Line, f.Message)
		}
	}
	return "no workflow id"
}

// removed is the workflow-removed change of o, whose id no new workflow
// has. at is the working tree's file at o's path, if any.
func removed(v *version, o *oldSpec, at *newFile, wd string) Change {
	id := o.id
	was := v.at(o.rel, id.at.Start.Line, id.at.Start.Col)
	c := Change{Workflow: id.text, Summary: Summary{"The workflow %s was removed.", []string{id.text}}}
	if at != nil && at.loaded {
		r := at.whole
		if at.id.set {
			r = at.id.at
		}
		c.Finding = catalog.WorkflowRemoved.At(r, "workflow %q was removed: this file now holds workflow %q, and workflows are matched by id (it was at %s); platforms and consumers configured for %q stop receiving its events; keep the id, or retire the workflow everywhere first",
			id.text, at.id.text, was, id.text)
		return c
	}
	shown, err := filepath.Rel(wd, filepath.Join(v.root, filepath.FromSlash(o.rel)))
	if err != nil {
		shown = o.rel
	}
	c.Finding = catalog.WorkflowRemoved.At(source.Range{File: shown, Start: id.at.Start, End: id.at.End}, "workflow %q was removed: no spec under the compared paths has this id any more (it was at %s); platforms and consumers configured for it stop receiving its events; keep the spec, or retire the workflow everywhere first",
		id.text, was)
	return c
}

// relPath returns path (relative to wd, or absolute) relative to root,
// with forward slashes; ok is false when it is outside root.
func relPath(root, wd, path string) (string, bool) {
	abs := path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, path)
	}
	inside := func(abs string) (string, bool) {
		r, err := filepath.Rel(root, abs)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(r), true
	}
	if r, ok := inside(abs); ok {
		return r, true
	}
	// An absolute path may reach the root through a symbolic link.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return inside(real)
	}
	return "", false
}
