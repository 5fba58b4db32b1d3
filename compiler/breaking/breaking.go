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
//  2. Both sides are loaded into syntax trees (not checked: the comparison
//     reads declarations, not CEL). An old file whose bytes equal the new
//     file at the same path is not loaded again: it cannot have changed.
//  3. Workflows are matched by id, not by file name, so a moved file is
//     not a removal. A side that does not load is not compared: the new
//     side's load findings are reported, the old side's file is named in
//     a note.
//  4. Each pair is compared (compare.go); an old id with no new workflow
//     is workflow-removed.
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

	"github.com/callspec/callspec/compiler/breaking/catalog"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/lint"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/parallel"
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

// HasAtLeast reports whether any finding is at or above sev.
func (r *Result) HasAtLeast(sev diag.Severity) bool {
	return slices.ContainsFunc(r.Findings, func(f diag.Finding) bool { return f.Severity >= sev })
}

// newFile is a spec file of the working tree.
type newFile struct {
	lint.Loaded
	// rel is the path relative to the version's root.
	rel string
	// compared is false when no breaking rule ran on the file.
	compared bool
}

// usable reports whether a syntax tree loaded without errors, so that
// comparing it says something true.
func usable(s *spec.Spec, findings []diag.Finding) bool {
	return s != nil && !slices.ContainsFunc(findings, func(f diag.Finding) bool { return f.Severity >= diag.Error })
}

// oldSpec is a loaded file of the other version.
type oldSpec struct {
	oldFile
	spec     *spec.Spec
	findings []diag.Finding
	// same is the working tree's file at the same path when its bytes are
	// equal.
	same *newFile
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

	// 2. Load both sides; the working tree's files while git reads.
	news := make([]newFile, len(files))
	errs := make([]error, len(files))
	parallel.ForEach(len(files), opts.Parallelism, func(i int) {
		l, err := lint.LoadFile(files[i])
		rel, _ := relPath(v.root, wd, files[i])
		news[i], errs[i] = newFile{Loaded: l, rel: rel}, err
	})
	<-read
	if err := cmp.Or(append(errs, oldErr)...); err != nil {
		return nil, err
	}
	byRel := make(map[string]*newFile, len(news))
	for i := range news {
		byRel[news[i].rel] = &news[i]
	}
	olds := make([]oldSpec, len(old))
	parallel.ForEach(len(old), opts.Parallelism, func(i int) {
		o := oldSpec{oldFile: old[i]}
		if n := byRel[o.rel]; n != nil && n.Spec != nil && o.size <= spec.MaxFileSize && bytes.Equal(n.File.Content, o.content) {
			o.spec, o.findings, o.same = n.Spec, n.Findings, n
		} else {
			o.spec, o.findings = spec.Load(o.rel, o.content)
			if o.size > spec.MaxFileSize {
				o.spec, o.findings = nil, []diag.Finding{spec.TooLarge(o.rel, o.size)}
			}
		}
		olds[i] = o
	})

	// 3. Match workflows by id.
	res := &Result{Files: make(map[string]*source.File, len(news))}
	newByID := map[string]*newFile{}
	unusableIDs := map[string]bool{}
	var findings []diag.Finding
	for i := range news {
		n := &news[i]
		res.Files[n.File.Path] = n.File
		res.Compared = append(res.Compared, n.File.Path)
		findings = append(findings, n.Findings...)
		switch id := workflowID(n.Spec); {
		case id == "":
		case !usable(n.Spec, n.Findings):
			unusableIDs[id] = true
		case newByID[id] == nil:
			newByID[id] = n
		}
	}
	type pair struct {
		old *oldSpec
		new *newFile
	}
	var pairs []pair
	oldIDs := map[string]bool{}
	for i := range olds {
		o := &olds[i]
		id := workflowID(o.spec)
		if !usable(o.spec, o.findings) {
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
			if o.same != n {
				pairs = append(pairs, pair{o, n})
			}
		case unusableIDs[id]:
		case byRel[o.rel] != nil && byRel[o.rel].Spec == nil:
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

	// 4. Compare the pairs.
	perPair := make([][]Change, len(pairs))
	parallel.ForEach(len(pairs), opts.Parallelism, func(i int) {
		p := pairs[i]
		perPair[i] = compare(p.old.spec, p.new.Spec, func(r source.Range) string {
			return v.at(p.old.rel, r.Start.Line, r.Start.Col)
		})
	})
	for _, cs := range perPair {
		res.Changes = append(res.Changes, cs...)
	}
	slices.SortFunc(res.Changes, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Workflow, b.Workflow), diag.Compare(a.Finding, b.Finding))
	})

	// 5. Suppressions and severities.
	sups := make(map[string]*lint.Suppressions, len(news))
	for i := range news {
		n := &news[i]
		s := n.Spec
		if !n.compared {
			s = nil // no breaking rule ran on it: none of its suppressions is stale
		}
		sups[n.File.Path] = lint.ReadSuppressions(n.File, s)
	}
	for _, c := range res.Changes {
		findings = append(findings, c.Finding)
	}
	res.Findings = lint.Finish(findings, sups, opts.Config, isBreakingRule)
	return res, nil
}

func isBreakingRule(rule string) bool {
	_, ok := catalog.Lookup(rule)
	return ok
}

// Breaking reports whether a change counts as breaking under cfg: its
// rule's configured severity, or its default, is not off.
func Breaking(c Change, cfg *lint.Config) bool {
	if sev, ok := cfg.Severity(c.Finding.Rule); ok {
		return sev != diag.Off
	}
	return c.Finding.Severity != diag.Off
}

func workflowID(s *spec.Spec) string {
	if s == nil || !s.Workflow.ID.Set {
		return ""
	}
	return s.Workflow.ID.Value
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
	id := o.spec.Workflow.ID
	was := v.at(o.rel, id.Range.Start.Line, id.Range.Start.Col)
	c := Change{Workflow: id.Value, Summary: Summary{"The workflow %s was removed.", []string{id.Value}}}
	r, _ := catalog.Lookup(catalog.WorkflowRemoved)
	c.Finding = diag.Finding{Rule: r.ID, Severity: r.Severity}
	if at != nil && at.Spec != nil {
		c.Finding.Range = wholeSpec(at.Spec)
		if now := at.Spec.Workflow.ID; now.Set {
			c.Finding.Range = now.Range
		}
		c.Finding.Message = fmt.Sprintf("workflow %q was removed: this file now holds workflow %q, and workflows are matched by id (it was at %s); platforms and consumers configured for %q stop receiving its events; keep the id, or retire the workflow everywhere first",
			id.Value, workflowID(at.Spec), was, id.Value)
		return c
	}
	shown, err := filepath.Rel(wd, filepath.Join(v.root, filepath.FromSlash(o.rel)))
	if err != nil {
		shown = o.rel
	}
	c.Finding.Range = source.Range{File: shown, Start: id.Range.Start, End: id.Range.End}
	c.Finding.Message = fmt.Sprintf("workflow %q was removed: no spec under the compared paths has this id any more (it was at %s); platforms and consumers configured for it stop receiving its events; keep the spec, or retire the workflow everywhere first",
		id.Value, was)
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
