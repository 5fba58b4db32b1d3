// Package rules is the quality gate: one file per rule whose check lives
// here, registered under its ID from package catalog (rules/catalog), which
// holds every rule's ID, severity and documentation. The rules reported
// while reading and checking a spec (syntax, schema, field-type, cel-type,
// ...) have no file here; their catalog entry says where they are
// reported. All lists every lint rule of the catalog, with its check when
// it has one.
//
// A rule sees one checked file through a Pass: the syntax tree (for
// positions) and the IR (for meaning). Rules that need every file at once
// (duplicate-workflow-id) implement CheckSet instead.
//
// Every rule has specs under testdata/<rule-id>/ whose expected findings
// are written inline as `# want rule-id` comments; package ruletest lints
// each directory through driver/lint and fails on a missing finding, an
// unexpected one, or one on another line.
package rules

import (
	"slices"
	"strings"
	"sync"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

// Rule is one lint rule: its catalog entry (ID, severity, summary, doc)
// and, for a rule whose check lives in rules/, the check.
type Rule struct {
	*catalog.Rule
	// Check runs on one file; nil for rules reported while loading and
	// checking, whose findings come from compiler/spec, compiler/check or
	// driver/lint (the entry's Where says which).
	Check func(p *Pass)
	// CheckSet runs once over all files of a lint run.
	CheckSet func(s *SetPass)
}

// Pass is what a rule sees of one file.
type Pass struct {
	*check.Unit
	rule     *Rule
	findings *[]diag.Finding
	facts    *FileFacts
	file     *fileState
	suggestions
}

// fileState is what the rules over one file share, computed on first use.
type fileState struct {
	def *workflow.Definition
}

// definition is the workflow's run-time definition, built once per file
// for the rules that read it (ir.Workflow.Definition builds a new one on
// every call). The rules only read it.
func (p *Pass) definition() *workflow.Definition {
	if p.file == nil {
		p.file = &fileState{} // a Pass made by a test for one rule
	}
	if p.file.def == nil {
		p.file.def = p.IR.Definition()
	}
	return p.file.def
}

// suggestions bounds the did-you-mean work of one rule over one file or
// one set (diag.SuggestBudget), however many unknown names there are.
type suggestions struct {
	s *diag.Suggester
}

// didYouMean returns "; did you mean "x"?" for the candidate nearest got,
// or otherwise when there is none.
func (x *suggestions) didYouMean(got string, candidates []string, otherwise string) string {
	if x.s == nil {
		x.s = diag.NewSuggester()
	}
	if best := x.s.Nearest(got, candidates); best != "" {
		return "; did you mean \"" + best + "\"?"
	}
	return otherwise
}

// FileFacts is what one file contributes to the rules over the whole set.
// Lint keeps it after releasing the file's checked unit, so that a run
// over thousands of files holds a few facts per file, not every syntax
// tree.
type FileFacts struct {
	// Workflow is the declared workflow id ("" when missing) and
	// WorkflowAt its range.
	Workflow   string
	WorkflowAt source.Range
	// Refs are the workflow ids the file refers to (docs.related), to be
	// resolved against the set.
	Refs []WorkflowRef
}

// WorkflowRef is a reference from one file to a workflow by id.
type WorkflowRef struct {
	ID string
	At source.Range
}

// ReferToWorkflow records that the file refers to workflow id at r; a rule
// with CheckSet resolves it once every file is known.
func (p *Pass) ReferToWorkflow(id string, r source.Range) {
	p.facts.Refs = append(p.facts.Refs, WorkflowRef{ID: id, At: r})
}

// Report records a finding of the running rule at r.
func (p *Pass) Report(r source.Range, format string, args ...any) {
	*p.findings = append(*p.findings, p.rule.ID.At(r, format, args...))
}

// ReportAs records a finding of the running rule at r with severity sev,
// for a rule whose findings are not all equally serious (a rule's
// configured severity in callspec.yaml still applies to all of them).
func (p *Pass) ReportAs(sev diag.Severity, r source.Range, format string, args ...any) {
	f := p.rule.ID.At(r, format, args...)
	f.Severity = sev
	*p.findings = append(*p.findings, f)
}

// WholeSpec is where a finding about something the spec lacks points: the
// `workflow:` key, which names the spec, or line 1 when there is none.
func (p *Pass) WholeSpec() source.Range {
	if r := p.Spec.Workflow.KeyOrValue(); r.IsValid() {
		return r
	}
	return source.PointRange(p.Spec.File.Path, source.Pos{Line: 1, Col: 1})
}

// SetPass is what a rule sees of a whole lint run.
type SetPass struct {
	// Files holds each file's facts, in path order.
	Files []*FileFacts
	// WorkflowIDs lists the workflow ids of the set, sorted, without
	// repeats.
	WorkflowIDs []string
	rule        *Rule
	findings    *[]diag.Finding
	suggestions
}

// KnownWorkflow reports whether id names a workflow of the set.
func (p *SetPass) KnownWorkflow(id string) bool {
	_, ok := slices.BinarySearch(p.WorkflowIDs, id)
	return ok
}

// Report records a finding of the running rule at r.
func (p *SetPass) Report(r source.Range, format string, args ...any) {
	*p.findings = append(*p.findings, p.rule.ID.At(r, format, args...))
}

// checks holds the rule files' checks by ID. It is written only by
// register, from the rule files' init functions, which run one after
// another before any reader, so no lock is needed.
var checks = map[catalog.ID]*Rule{}

// register adds a rule's check; each rule file calls it from init.
func register(r *Rule) {
	if _, dup := checks[r.ID]; dup {
		panic("rules: duplicate rule ID " + string(r.ID))
	}
	checks[r.ID] = r
}

// all lists every lint rule of the catalog, sorted by ID, each with its
// check if a rule file registered one; built at the first call, after
// every init.
var all = sync.OnceValue(func() []*Rule {
	out := make([]*Rule, 0, len(catalog.Lint()))
	for _, c := range catalog.Lint() {
		r := checks[c.ID]
		if r == nil {
			r = &Rule{Rule: c}
		}
		out = append(out, r)
	}
	return out
})

// All returns every lint rule, sorted by ID. The slice is shared: do not
// modify it. (Lint calls this once per file.)
func All() []*Rule { return all() }

// Lookup returns the lint rule with the given ID.
func Lookup(id string) (*Rule, bool) {
	c, ok := catalog.Lookup(id)
	if !ok || c.Breaking() {
		return nil, false
	}
	i, _ := slices.BinarySearchFunc(All(), c.ID, func(r *Rule, id catalog.ID) int { return strings.Compare(string(r.ID), string(id)) })
	return All()[i], true
}

// IDs returns every lint rule ID, sorted.
func IDs() []string {
	all := All()
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = string(r.ID)
	}
	return ids
}

// RunFile runs every per-file rule on u and returns their findings and
// the file's facts for RunSet.
func RunFile(u *check.Unit) ([]diag.Finding, *FileFacts) {
	facts := &FileFacts{}
	if id := u.Spec.Workflow.ID; id.Set && id.Value != "" {
		facts.Workflow, facts.WorkflowAt = id.Value, id.Range()
	}
	var out []diag.Finding
	file := &fileState{}
	for _, r := range All() {
		if r.Check == nil {
			continue
		}
		r.Check(&Pass{Unit: u, rule: r, findings: &out, facts: facts, file: file})
	}
	return out, facts
}

// RunSet runs every rule that looks at all files at once, over the facts
// RunFile returned for each file, in path order.
func RunSet(files []*FileFacts) []diag.Finding {
	ids := make([]string, 0, len(files))
	for _, f := range files {
		if f.Workflow != "" {
			ids = append(ids, f.Workflow)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []diag.Finding
	for _, r := range All() {
		if r.CheckSet == nil {
			continue
		}
		r.CheckSet(&SetPass{Files: files, WorkflowIDs: ids, rule: r, findings: &out})
	}
	return out
}
