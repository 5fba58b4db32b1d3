// Package lint runs the whole front end over a set of spec files: read,
// load, check and the quality-gate rules, in parallel over files, then the
// rules that need every file, suppressions and configured severities. The
// result is identical to a serial run.
package lint

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/rules"
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
}

// Result is the outcome of a lint run.
type Result struct {
	// Units holds the checked files in path order; a file that did not
	// parse has no unit. It is empty when Options.FindingsOnly is set.
	Units []*check.Unit
	// Files holds every file read, by path, for printing source lines.
	Files map[string]*source.File
	// Findings are sorted by file, line, column and rule.
	Findings []diag.Finding
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

// SpecExtensions are the file name endings read as specs.
var SpecExtensions = []string{".yaml", ".yml"}

// ConfigFileName is the name of the repository configuration file, which is
// skipped when directories are expanded.
const ConfigFileName = "callspec.yaml"

// ExpandPaths turns files and directories into the sorted list of spec
// files. Directories are searched recursively for .yaml and .yml files,
// skipping hidden directories and callspec.yaml. A named file is always
// taken. A path that does not exist is an error.
func ExpandPaths(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathErr(err))
		}
		if !info.IsDir() {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && SkipsDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if IsSpecFile(d.Name()) && !seen[path] {
				seen[path] = true
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	slices.Sort(out)
	return out, nil
}

// SkipsDir reports whether a directory of this name is skipped when a
// directory given as a path is searched: hidden ones are.
func SkipsDir(name string) bool { return strings.HasPrefix(name, ".") }

// IsSpecFile reports whether a file of this name is read as a spec when a
// directory given as a path is searched: .yaml and .yml files other than
// the configuration.
func IsSpecFile(name string) bool {
	return name != ConfigFileName && name != "callspec.yml" && slices.Contains(SpecExtensions, filepath.Ext(name))
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

type fileResult struct {
	file     *source.File
	unit     *check.Unit
	facts    *rules.FileFacts
	findings []diag.Finding
	// blocks are the multi-line scalars of a file with suppression
	// comments, where a "# callspec:ignore" is text, not a comment.
	blocks []lineSpan
	err    error
}

// Run lints the spec files found under paths.
func Run(paths []string, opts Options) (*Result, error) {
	files, err := ExpandPaths(paths)
	if err != nil {
		return nil, err
	}
	return RunFiles(files, opts)
}

// RunFiles lints exactly the given files. Each file is read, loaded,
// checked and put through the per-file rules on one of the workers; the
// rules over the whole set then run on the facts each file left (its
// workflow id, its references to other workflows). Each file's findings
// land in its own slot and the whole list is sorted at the end, so the
// result does not depend on the number of workers or the order in which
// they finish.
func RunFiles(files []string, opts Options) (*Result, error) {
	workers := opts.Parallelism
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]fileResult, len(files))
	parallel.ForEach(len(files), workers, func(i int) {
		r := lintFile(files[i])
		switch {
		case r.unit == nil:
		case opts.FindingsOnly:
			r.unit = nil // released: memory holds one unit per worker
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
}

// LoadFile reads one spec file and loads it, as lint does before checking:
// a file over spec.MaxFileSize is a finding, read no further. Commands
// that need the syntax tree only (callspec breaking) start here.
func LoadFile(path string) (Loaded, error) {
	content, size, err := ReadSpec(path)
	if err != nil {
		return Loaded{}, err
	}
	if size > spec.MaxFileSize {
		return Loaded{File: source.NewFile(path, nil), Findings: []diag.Finding{spec.TooLarge(path, size)}}, nil
	}
	s, findings := spec.Load(path, content)
	if s == nil {
		return Loaded{File: source.NewFile(path, content), Findings: findings}, nil
	}
	return Loaded{File: s.File, Spec: s, Findings: findings}, nil
}

// lintFile reads, loads and checks one file and runs the per-file rules.
func lintFile(path string) fileResult {
	l, err := LoadFile(path)
	if err != nil {
		return fileResult{err: err}
	}
	if l.Spec == nil {
		return fileResult{file: l.File, findings: l.Findings}
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

// ReadSpec reads a spec file, at most spec.MaxFileSize+1 bytes, so a huge
// file costs no more memory than the limit; a size over the limit means
// the file is too large and content is not to be used.
func ReadSpec(path string) (content []byte, size int64, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, unwrapPathErr(err))
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	if info.Size() > spec.MaxFileSize {
		return nil, info.Size(), nil
	}
	content, err = io.ReadAll(io.LimitReader(fh, spec.MaxFileSize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	return content, int64(len(content)), nil
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
	if owns(RuleUnknownSuppression) {
		for _, s := range sups {
			findings = append(findings, s.unknown...)
		}
	}
	out := findings[:0]
	for _, f := range findings {
		if s := sups[f.Range.File]; s != nil && f.Rule != RuleUnknownSuppression && s.suppresses(f) {
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
