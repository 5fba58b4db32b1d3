// Package lint runs the whole front end over a set of spec files: read,
// load, check and the quality-gate rules, in parallel over files, then the
// rules that need every file, suppressions and configured severities. The
// result is identical to a serial run.
package lint

import (
	"bytes"
	"io"
	"runtime"
	"slices"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/rules"
	"github.com/callspec/callspec/rules/catalog"
)

// Options configure a lint run.
type Options struct {
	// Config sets per-rule severities; nil uses the defaults.
	Config *Config
	// Parallelism is the number of files checked at once; 0 means
	// GOMAXPROCS.
	Parallelism int
	// FindingsOnly releases each file's checked unit as soon as its rules
	// have run, so that memory holds the findings and a few facts per
	// file rather than every syntax tree; Result.Units is then empty.
	// callspec lint sets it; commands that go on to use the units do not.
	FindingsOnly bool
	// IROnly keeps of each unit only its IR, releasing the syntax tree
	// and position maps once the rules have run: what callspec build
	// needs, since emitters never see YAML.
	IROnly bool
	// Checked, when set, is called on the worker for each file that was
	// checked, with its findings before suppressions and configured
	// severities (and before the rules over the whole set); when it
	// returns true the unit is left out of Result.Units, released. callspec
	// build emits a workflow without findings here, while its IR is at
	// hand, rather than holding every workflow's IR until lint ends.
	Checked func(u *check.Unit, findings []diag.Finding) (release bool)
	// Stdin is read for the path "-", once, as a spec named StdinName
	// (default "<stdin>") in findings; nil refuses "-".
	Stdin     io.Reader
	StdinName string
}

// DefaultStdinName names a spec read from stdin in findings when the user
// gives no name.
const DefaultStdinName = "<stdin>"

// Result is the outcome of a lint run.
type Result struct {
	// Units holds the checked files in path order; a file that did not
	// parse has no unit. It is empty when Options.FindingsOnly is set.
	Units []*check.Unit
	// Files holds every file read, by path, for printing source lines.
	Files map[string]*source.File
	// Findings are sorted by file, line, column and rule.
	Findings []diag.Finding
	// Skipped are the files a directory walk found and did not read
	// (Run only), sorted by path.
	Skipped []Skipped
	// NotSpecs are the YAML files a directory walk read and left out
	// because they are not specs (no top-level callspec key: a
	// docker-compose.yml, a CI workflow), sorted by path. A file named
	// as a path is linted instead, and that is one finding.
	NotSpecs []string
}

// Summary counts the findings per severity.
func (r *Result) Summary() diag.Summary { return diag.Summarize(r.Findings) }

// HasAtLeast reports whether any finding is at or above sev.
func (r *Result) HasAtLeast(sev diag.Severity) bool {
	for _, f := range r.Findings {
		if f.Severity >= sev {
			return true
		}
	}
	return false
}

type fileResult struct {
	file     *source.File
	unit     *check.Unit
	facts    *rules.FileFacts
	findings []diag.Finding
	// notSpec: a walked file that is not a spec, left out of the result.
	notSpec bool
	// blocks are the multi-line scalars of a file with suppression
	// comments, where a "# callspec:ignore" is text, not a comment.
	blocks []lineSpan
	err    error
}

// Run lints the spec files found under paths (see expand); Result.Skipped
// lists the files the walk left out.
func Run(paths []string, opts Options) (*Result, error) {
	x, err := expand(paths)
	if err != nil {
		return nil, err
	}
	defer x.close()
	if err := x.readStdin(opts); err != nil {
		return nil, err
	}
	res, err := run(x.inputs, opts)
	if err != nil {
		return nil, err
	}
	res.Skipped = x.skipped
	return res, nil
}

// RunFiles lints exactly the given files, each taken as named (see
// expand: a link is followed, and anything but a regular file is an
// error). Each file is read, loaded,
// checked and put through the per-file rules on one of the workers; the
// rules over the whole set then run on the facts each file left (its
// workflow id, its references to other workflows). Each file's findings
// land in its own slot and the whole list is sorted at the end, so the
// result does not depend on the number of workers or the order in which
// they finish.
func RunFiles(files []string, opts Options) (*Result, error) {
	inputs := make([]input, len(files))
	for i, f := range files {
		inputs[i] = input{path: f}
	}
	return run(inputs, opts)
}

func run(files []input, opts Options) (*Result, error) {
	workers := opts.Parallelism
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]fileResult, len(files))
	parallel.ForEach(len(files), workers, func(i int) {
		r := lintFile(files[i])
		switch {
		case r.unit == nil:
		case opts.Checked != nil && opts.Checked(r.unit, r.findings):
			r.unit = nil
		case opts.FindingsOnly:
			r.unit = nil // released: memory holds one unit per worker
			r.keepReportedLines()
		case opts.IROnly:
			r.unit = &check.Unit{IR: r.unit.IR}
		}
		results[i] = r
	})

	res := &Result{Files: map[string]*source.File{}}
	var findings []diag.Finding
	var facts []*rules.FileFacts
	blocks := map[string][]lineSpan{}
	checked := map[string]bool{} // files whose rules ran
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		if r.notSpec {
			res.NotSpecs = append(res.NotSpecs, r.file.Path)
			continue
		}
		res.Files[r.file.Path] = r.file
		if r.unit != nil {
			res.Units = append(res.Units, r.unit)
		}
		if r.facts != nil {
			facts = append(facts, r.facts)
			checked[r.file.Path] = true
		}
		if r.blocks != nil {
			blocks[r.file.Path] = r.blocks
		}
		findings = append(findings, r.findings...)
	}
	findings = append(findings, rules.RunSet(facts)...)
	res.Findings = finish(findings, res.Files, blocks, checked, opts.Config)
	return res, nil
}

// Loaded is one spec file read from disk and loaded into its syntax tree,
// not checked.
type Loaded struct {
	File *source.File
	// Spec is nil when the file did not load (Findings say why).
	Spec     *spec.Spec
	Findings []diag.Finding
	// NotSpec is set, with no findings, for a file a directory walk found
	// that is not a spec.
	NotSpec bool
}

// LoadFile reads one spec file and loads it, as lint does before checking
// (the same size limit, and a file that is not a spec is one finding that
// shows nothing of it). Commands that need the syntax tree only
// (callspec breaking) start here.
func LoadFile(path string) (Loaded, error) { return load(input{path: path}) }

func load(in input) (Loaded, error) {
	path := in.path
	content, size, err := readSpec(in)
	if err != nil {
		return Loaded{}, err
	}
	// A walked file that is not a spec is left out (NotSpec): a
	// directory of specs may hold other YAML. Over the size limit it is
	// not parsed: the lines of its first MaxFileSize bytes decide.
	walked := in.root != nil
	if size > spec.MaxFileSize {
		if walked && !isSpec(nil, content) {
			return Loaded{File: source.NewFile(path, nil), NotSpec: true}, nil
		}
		return Loaded{File: source.NewFile(path, nil), Findings: []diag.Finding{spec.TooLarge(path, size)}}, nil
	}
	s, findings := spec.Load(path, content)
	if !isSpec(s, content) {
		if walked {
			return Loaded{File: source.NewFile(path, nil), NotSpec: true}, nil
		}
		r := notASpec(path)
		return Loaded{File: r.file, Findings: r.findings}, nil
	}
	if s == nil {
		if !spec.IsText(content) {
			// A spec with a binary byte: the finding says where; its
			// lines are not shown.
			content = nil
		}
		return Loaded{File: source.NewFile(path, content), Findings: findings}, nil
	}
	return Loaded{File: s.File, Spec: s, Findings: findings}, nil
}

// ReadSpec reads a spec file named by path as lint does (readSpec).
func ReadSpec(path string) (content []byte, size int64, err error) {
	return readSpec(input{path: path})
}

// lintFile reads, loads and checks one file and runs the per-file rules.
func lintFile(in input) fileResult {
	l, err := load(in)
	if err != nil {
		return fileResult{err: err}
	}
	if l.Spec == nil {
		return fileResult{file: l.File, findings: l.Findings, notSpec: l.NotSpec}
	}
	u, more := check.Check(l.Spec)
	findings := append(l.Findings, more...)
	ruleFindings, facts := rules.RunFile(u)
	r := fileResult{file: l.File, unit: u, facts: facts, findings: append(findings, ruleFindings...)}
	if bytes.Contains(l.File.Content, []byte(SuppressionMarker)) {
		r.blocks = multiLineScalars(l.Spec)
	}
	return r
}

// keepReportedLines releases the file's content except the lines that
// findings can be printed at: those of its own findings and the places its
// facts name, where the rules over the whole set report. Held for every
// file until the end, contents and line indexes were most of the live heap
// of a large lint, and the heap grows to five times it (issue 19). A file
// with suppression comments is kept whole, for finish to read them.
func (r *fileResult) keepReportedLines() {
	if r.file == nil || r.blocks != nil || bytes.Contains(r.file.Content, []byte(SuppressionMarker)) {
		return
	}
	lines := make([]int, 0, len(r.findings)+2)
	for _, f := range r.findings {
		lines = append(lines, f.Range.Start.Line)
	}
	if r.facts != nil {
		lines = append(lines, r.facts.WorkflowAt.Start.Line)
		for _, ref := range r.facts.Refs {
			lines = append(lines, ref.At.Start.Line)
		}
	}
	r.file.KeepLines(lines)
}

// finish applies suppressions and configured severities, then sorts.
func finish(findings []diag.Finding, files map[string]*source.File, blocks map[string][]lineSpan, checked map[string]bool, cfg *Config) []diag.Finding {
	sups := map[string]*suppressions{}
	for path, f := range files {
		s := parseSuppressions(f, blocks[path])
		s.unchecked = !checked[path]
		sups[path] = s
	}
	return finishFindings(findings, sups, cfg, isLintRule)
}

// finishFindings applies suppressions and configured severities to the
// findings of a run whose own rules are those owns accepts: only their
// suppressions that silenced nothing are reported, and only a run that
// owns unknown-suppression reports the comments that name no rule.
func finishFindings(findings []diag.Finding, sups map[string]*suppressions, cfg *Config, owns func(rule string) bool) []diag.Finding {
	if owns(string(catalog.UnknownSuppression)) {
		for _, s := range sups {
			findings = append(findings, s.unknown...)
		}
	}
	out := findings[:0]
	for _, f := range findings {
		if s := sups[f.Range.File]; s != nil && f.Rule != string(catalog.UnknownSuppression) && s.suppresses(f) {
			continue
		}
		if sev, ok := cfg.Severity(f.Rule); ok {
			f.Severity = sev
		}
		if f.Severity == diag.Off {
			continue // switched off, or off by default (the STRICT rules of callspec breaking)
		}
		out = append(out, f)
	}
	for _, s := range sups {
		for _, f := range s.unused(owns) {
			if sev, ok := cfg.Severity(f.Rule); ok {
				if sev == diag.Off {
					continue
				}
				f.Severity = min(f.Severity, sev)
			}
			out = append(out, f)
		}
	}
	diag.Sort(out)
	return slices.Compact(out)
}
