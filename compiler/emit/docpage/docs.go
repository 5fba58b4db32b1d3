// Package docpage emits the docs pages of the workflows: the public
// <id>/README.md for each workflow, index.md listing them all, and
// <id>/SETUP.md, how to go live on each target platform (setup.go). A
// public page is written for the people who decide whether to build the
// Call App: the goal, the opening disclosure, the question set in order,
// the fields, the handoff rules in plain words, the next action with an
// example payload, the tested scenarios, the call to action and related
// pages.
//
// Public pages say nothing about where or how the handler runs: no
// webhook or forward URLs, secret or environment variable names,
// idempotency expressions or log lists; those are on the setup page,
// which no public page links to. The example payload is the event the
// handler's own decision code (kernel/workflow) produces for the spec's
// routine scenario, so the page cannot show a payload the handler would
// not send.
package docpage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/emit/words"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/scenario"
	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// File is one page; Path is relative to the output directory.
type File struct {
	Path    string
	Content []byte
}

// PageName is the file name of a workflow's page in its directory.
const PageName = "README.md"

// IndexName is the page that lists every workflow.
const IndexName = "index.md"

// Changes are the contract changes of the workflows since another version
// of the specs (`callspec build --changes-against REF`), for reviewers:
// each page whose workflow changed gets a "Changes since" section.
type Changes struct {
	// Since names the other version as the user gave it.
	Since string
	// ByWorkflow holds each changed workflow's changes, by id, in the
	// order to list them.
	ByWorkflow map[string][]Change
	// New holds the workflows the other version does not have.
	New map[string]bool
}

// Change is one contract change in public words: Format is a sentence
// whose %s verbs stand for Names (field names, values, reasons), which the
// page shows as code.
type Change struct {
	Breaking bool
	Format   string
	Names    []string
}

// Pages renders the page of every workflow in ws (sorted by id by the
// caller) and the index. Related workflows link to each other only within
// ws, so every relative link resolves inside the output directory.
// An empty set has no pages, not even an empty index.
func Pages(ws []*ir.Workflow) ([]File, error) { return PagesSince(ws, nil) }

// PagesSince is Pages with the changes since another version on the pages
// of the workflows that changed; with nil changes it is Pages, byte for
// byte.
func PagesSince(ws []*ir.Workflow, changes *Changes) ([]File, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	byID := map[string]*ir.Workflow{}
	for _, w := range ws {
		byID[w.ID] = w
	}
	// Pages are independent; each is rendered into its own slot.
	out := make([]File, len(ws), len(ws)+1)
	errs := make([]error, len(ws))
	parallel.ForEach(len(ws), 0, func(i int) {
		w := ws[i]
		b, err := render(w, byID, changes)
		if err != nil {
			errs[i] = fmt.Errorf("docs page of %s: %w", w.ID, err)
			return
		}
		out[i] = File{Path: path.Join(w.ID, PageName), Content: b}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out = append(out, File{Path: IndexName, Content: Index(ws)})
	return out, nil
}

// Page renders the page of w; others holds the workflows it may link to.
func Page(w *ir.Workflow, others map[string]*ir.Workflow) ([]byte, error) {
	return render(w, others, nil)
}

// Pending is a workflow's page but for its last section, Related, the one
// part that reads other workflows: a build renders it while the
// workflow's IR is at hand and finishes it once every workflow's Summary
// is known, holding meanwhile the page's text and not the IR.
type Pending struct {
	p *page
}

// Start renders the page of w, with the changes since another version,
// but for its Related section.
func Start(w *ir.Workflow, changes *Changes) (*Pending, error) {
	c, err := scenario.Compile(w)
	if err != nil {
		return nil, fmt.Errorf("compile for the example payload: %w", err)
	}
	p := &page{w: w}
	if err := p.head(c, changes); err != nil {
		return nil, err
	}
	// Related reads only the workflow's related ids.
	p.w = &ir.Workflow{Docs: ir.Docs{Related: w.Docs.Related}}
	return &Pending{p: p}, nil
}

// ReadsOthers is false when Finish does not read its others, because the
// Related section links no other workflow (only web pages, or nothing).
func (pp *Pending) ReadsOthers() bool {
	for _, r := range pp.p.w.Docs.Related {
		if !strings.HasPrefix(r, "https://") {
			return true
		}
	}
	return false
}

// Finish adds the Related section, linking the workflows of others (which
// may be Summary workflows) by title, and returns the page.
func (pp *Pending) Finish(others map[string]*ir.Workflow) []byte {
	pp.p.related(others)
	return pp.p.b.Bytes()
}

// Summary is what a page reads of the other workflows it links to, and
// Index of every workflow: the id, title, goal, next action and handoff
// reasons, without the fields, rules and scenarios. A build renders each
// workflow's page while its whole IR is at hand and keeps only this of
// it for the rest, so that memory does not hold every workflow's CEL
// environment and checked rules at once.
func Summary(w *ir.Workflow) *ir.Workflow {
	s := &ir.Workflow{ID: w.ID, Title: w.Title, Goal: w.Goal, NextAction: w.NextAction, Handoff: make([]ir.HandoffRule, len(w.Handoff))}
	for i, r := range w.Handoff {
		s.Handoff[i].Reason = r.Reason
	}
	return s
}

func render(w *ir.Workflow, others map[string]*ir.Workflow, changes *Changes) ([]byte, error) {
	p, err := Start(w, changes)
	if err != nil {
		return nil, err
	}
	return p.Finish(others), nil
}

// head renders every section of the page but Related; c is the workflow's
// compiled scenarios.
func (p *page) head(c *workflow.Compiled, changes *Changes) error {
	w := p.w
	p.line("<!-- Generated by callspec build from %s; edit the spec, not this page. -->", text(path.Base(slashPath(w.Path))))
	p.line("")
	p.line("# %s", text(w.Title))
	p.line("")
	p.line("**Caller goal:** %s", sentence(w.Goal))
	p.line("")
	intro := "An AI phone workflow with one caller goal and one outcome."
	if w.NextAction != "" {
		intro = fmt.Sprintf("An AI phone workflow with one caller goal. After a routine call the next action is **%s**; calls that need judgement go to a person under the handoff rules below.", humanize(w.NextAction))
	}
	if w.Owner != "" {
		intro += fmt.Sprintf(" Outcomes go to **%s**.", text(humanize(w.Owner)))
	}
	p.line("%s", intro)

	p.changes(changes)
	p.disclosure()
	p.questions()
	p.fields()
	p.handoff()
	if err := p.nextAction(c); err != nil {
		return err
	}
	p.scenarios()
	p.contract()
	p.cta()
	return nil
}

type page struct {
	w *ir.Workflow
	b bytes.Buffer
}

func (p *page) line(format string, args ...any) {
	fmt.Fprintf(&p.b, format, args...)
	p.b.WriteByte('\n')
}

func (p *page) heading(title string) {
	p.line("")
	p.line("## %s", title)
	p.line("")
}

// changes lists what changed since the other version, first, so that a
// reviewer sees the contract change before the contract. A workflow that
// did not change has no section.
func (p *page) changes(ch *Changes) {
	if ch == nil {
		return
	}
	since := code(ch.Since)
	if ch.New[p.w.ID] {
		p.heading("Changes since " + since)
		p.line("This workflow is new: %s has no workflow `%s`.", since, p.w.ID)
		return
	}
	list := ch.ByWorkflow[p.w.ID]
	if len(list) == 0 {
		return
	}
	p.heading("Changes since " + since)
	p.line("What consumers of this workflow's events and its service see change. **Breaking** changes break them unless they are updated first (`callspec breaking` explains each).")
	p.line("")
	for _, c := range list {
		names := make([]any, len(c.Names))
		for i, n := range c.Names {
			names[i] = code(n)
		}
		mark := ""
		if c.Breaking {
			mark = "**Breaking:** "
		}
		p.line("- %s%s", mark, fmt.Sprintf(text(c.Format), names...))
	}
}

func (p *page) disclosure() {
	p.heading("Opening disclosure")
	if strings.TrimSpace(p.w.Disclosure) == "" {
		p.line("This workflow does not declare an opening disclosure yet.")
		return
	}
	p.line("The assistant says this first, before any question:")
	p.line("")
	p.line("> %s", text(p.w.Disclosure))
}

func (p *page) questions() {
	p.heading("Question set")
	if len(p.w.Questions) == 0 {
		p.line("This workflow does not list its questions yet.")
		return
	}
	p.line("The assistant asks these questions, in this order:")
	p.line("")
	for i, q := range p.w.Questions {
		collects := ""
		if len(q.Collects) > 0 {
			names := make([]string, len(q.Collects))
			for j, c := range q.Collects {
				names[j] = "`" + c + "`"
			}
			collects = " *(collects " + andList(names) + ")*"
		}
		p.line("%d. %s%s", i+1, text(q.Ask), collects)
	}
}

func (p *page) fields() {
	p.heading("Fields")
	p.line("What the call produces. Personal data is never written to logs.")
	p.line("")
	p.line("| Field | Type | Required | Personal data | Description |")
	p.line("| --- | --- | --- | --- | --- |")
	for _, f := range p.w.Fields {
		p.line("| `%s` | %s | %s | %s | %s |", f.Name, cell(typeWords(&f)), yesNo(f.Required), yesNo(f.PII), cell(f.Description))
	}
}

// typeWords describes a field's type and limits: "one of: leak, heating",
// "text, at most 200 characters", "list of text".
func typeWords(f *ir.Field) string {
	one := func(k celenv.Kind) string {
		switch k {
		case celenv.Enum:
			return "one of: " + strings.Join(f.Values, ", ")
		case celenv.Phone:
			return "phone number (" + workflow.FormatOf(k).Name + ")"
		case celenv.Email:
			return "email address"
		case celenv.Date:
			return "date (" + workflow.FormatOf(k).Name + ")"
		case celenv.DateTime:
			return "date and time (" + workflow.FormatOf(k).Name + ")"
		case celenv.Boolean:
			return "yes or no"
		case celenv.Integer:
			return "whole number"
		}
		return string(k)
	}
	var s string
	var limits []string
	if f.Type == celenv.ListKind {
		s = "list of " + one(f.Items)
		if f.Items == celenv.Enum {
			s = "list, each " + one(f.Items)
		}
	} else {
		s = one(f.Type)
	}
	if limit := f.LengthWords(); limit != "" {
		limits = append(limits, limit)
	}
	var values []string // min, max and pattern bound each value
	if f.Min != nil {
		values = append(values, "at least "+number(*f.Min))
	}
	if f.Max != nil {
		values = append(values, "at most "+number(*f.Max))
	}
	if f.Pattern != "" {
		values = append(values, "matching "+code(f.Pattern))
	}
	if f.Type == celenv.ListKind && len(values) > 0 {
		// A list's max_length counts its items; the others bound each.
		values = []string{"each " + strings.Join(values, " and ")}
	}
	limits = append(limits, values...)
	if len(limits) > 0 {
		// A list of values reads badly followed by a comma.
		sep := ", "
		if strings.Contains(s, ":") {
			sep = "; "
		}
		s += sep + strings.Join(limits, ", ")
	}
	return s
}

func number(v float64) string {
	return words.GroupDigits(strconv.FormatFloat(v, 'f', -1, 64))
}

// handoff explains the decision order of kernel/workflow (Decide) in
// words, with this workflow's rules and built-in handoffs; each step's
// summary comes from workflow.Step.Summary, so the page says what the
// handler does.
func (p *page) handoff() {
	p.heading("Handoff rules")
	def := p.w.Definition()
	p.line("Every call is decided in this order, and the first step that applies decides. The service that receives the call, `callspec test` and this page follow the same order.")
	p.line("")
	failed, unanswered := def.BuiltinHandoff(event.CallFailed), def.BuiltinHandoff(event.NoAnswer)
	p.line("1. **The call did not take place.** %s It goes to %s.", workflow.StepCallEnded.Summary(), p.route(failed.Owner, failed.Severity, failed.Notify))
	p.line("   The person who takes over is told: “%s” or “%s”", text(failed.CallerMessage), text(unanswered.CallerMessage))
	p.line("2. **Handoff rules.** %s", workflow.StepRule.Summary())
	if len(p.w.Handoff) == 0 {
		p.line("   This workflow has none.")
	} else {
		p.line("   A rule that reads a detail the caller did not give cannot be decided and is passed over, unless the rest of it decides (“a or b” is true when a is).")
		p.line("")
		for i := range p.w.Handoff {
			r := &p.w.Handoff[i]
			p.line("   %d. **%s**: when %s → %s.", i+1, sentenceCase(humanize(r.Reason)), Condition(p.w, r), p.route(r.Owner, r.Severity, r.Notify))
			p.callerHears("      ", r.CallerMessage)
		}
		p.line("")
	}
	var required []string
	for _, f := range p.w.Fields {
		if f.Required {
			required = append(required, humanize(f.Name))
		}
	}
	inc := def.BuiltinHandoff(event.IncompleteCall)
	p.line("3. **Incomplete call.** %s It goes to %s.", workflow.StepIncomplete.Summary(), p.route(inc.Owner, inc.Severity, inc.Notify))
	if len(required) > 0 {
		p.line("   The required details are %s.", andList(required))
	}
	p.callerHears("   ", inc.CallerMessage)
	next := ""
	if p.w.NextAction != "" {
		next = " Here: " + code(p.w.NextAction) + "."
	}
	p.line("4. **Completed.** %s%s", workflow.StepCompleted.Summary(), next)
	p.line("")
	p.line("An optional detail whose value does not fit its field, or that is a placeholder a language model writes for “no answer” (“N/A”, “unknown”, “none”, “-”, and their %s equivalents), is left out with a note; on its own it never makes a call incomplete.", languageName(def.Language))
}

// languageName names the spec's language for the page.
func languageName(tag string) string {
	if l, ok := workflow.LookupLanguage(tag); ok {
		return l.Name
	}
	return tag
}

// route says who takes over, how fast and how they hear of it: "a person
// (on call maintenance), urgent, via sms and slack".
func (p *page) route(owner, severity string, notify []string) string {
	owner = orDefault(owner, p.w.Owner)
	s := "a person"
	if owner != "" {
		s += " (" + text(humanize(owner)) + ")"
	}
	s += ", " + orDefault(severity, workflow.DefaultSeverity)
	if len(notify) > 0 {
		s += ", via " + andList(notify)
	}
	return s
}

// callerHears continues the paragraph above (indent keeps it inside a
// list item) with what the caller is told.
func (p *page) callerHears(indent, msg string) {
	if strings.TrimSpace(msg) == "" {
		return
	}
	p.line("%sThe caller hears: “%s”", indent, text(msg))
}

func (p *page) nextAction(c *workflow.Compiled) error {
	p.heading("Next action")
	if p.w.NextAction != "" {
		p.line("When every required field is collected and no handoff rule matches, the call completes and the next action is `%s`.", p.w.NextAction)
	}
	if sc := p.scenario(ir.KindRoutine); sc != nil {
		d := scenario.Decide(c, p.w, example(sc, p.w), event.SignatureVerified)
		b, err := indentJSON(WithPlaceholders(d.Event, p.w))
		if err != nil {
			return err
		}
		p.line("")
		p.line("### Example payload")
		p.line("")
		p.line("The event the workflow's webhook receives for the routine scenario “%s” (the values are the scenario's example data; personal data is replaced by placeholders, phone numbers from the fictional 555-0100 to 555-0199 range):", text(sc.Name))
		p.line("")
		p.line("```json")
		p.b.Write(b)
		p.line("```")
	}
	if sc := p.scenario(ir.KindSensitive); sc != nil {
		d := scenario.Decide(c, p.w, example(sc, p.w), event.SignatureVerified)
		if d.Event.Handoff != nil {
			b, err := indentJSON(d.Event.Handoff)
			if err != nil {
				return err
			}
			p.line("")
			p.line("### Example handoff")
			p.line("")
			p.line("For the sensitive scenario “%s”, the event is `%s` and carries this handoff:", text(sc.Name), event.Handoff)
			p.line("")
			p.line("```json")
			p.b.Write(b)
			p.line("```")
		}
	}
	return nil
}

// scenario returns the first scenario of a kind.
func (p *page) scenario(kind string) *ir.Scenario {
	for i := range p.w.Tests {
		if p.w.Tests[i].Kind == kind {
			return &p.w.Tests[i]
		}
	}
	return nil
}

// example fills in the call metadata a scenario may leave out, so the
// example payload is a complete event (the outcome schema requires a call
// id and a provider).
func example(sc *ir.Scenario, w *ir.Workflow) *ir.Scenario {
	ex := *sc
	if ex.Call.ID == "" {
		ex.Call.ID = "call_example"
	}
	if ex.Call.Provider == "" {
		ex.Call.Provider = "callurl"
		if len(w.Targets) > 0 {
			ex.Call.Provider = w.Targets[0]
		}
	}
	if ex.Call.Status == "" {
		ex.Call.Status = "completed"
	}
	return &ex
}

// fictionalPhone is the n-th of NANP's numbers reserved for fiction
// (555-0100 to 555-0199), in E.164, so that a placeholder still
// validates as a phone number and can never ring anyone.
func fictionalPhone(n int) string { return fmt.Sprintf("+1202555%04d", 100+n%100) }

// WithPlaceholders is ev as a public page shows it: a copy in which the
// caller's number and every value of a personal-data field is replaced by
// a placeholder of the same kind (phone numbers by reserved fictional
// numbers, emails by an address at example.com (RFC 2606), texts by
// "<field name>" cut to max_length), since a spec's author may have put a
// real number into a scenario. The decision is made on the scenario's
// values before, so it is the one callspec test shows. Values of other
// personal-data fields (and texts with a pattern, which a placeholder
// might not match) are kept.
func WithPlaceholders(ev *event.Event, w *ir.Workflow) *event.Event {
	out := *ev
	n := 0
	next := func() string { n++; return fictionalPhone(n - 1) }
	if out.Caller.PhoneE164 != "" {
		out.Caller.PhoneE164 = next()
	}
	out.Fields = make(map[string]any, len(ev.Fields))
	for k, v := range ev.Fields {
		out.Fields[k] = v
	}
	for _, f := range w.Fields {
		v, ok := out.Fields[f.Name]
		if !ok || !f.PII {
			continue
		}
		placeholder := func(kind celenv.Kind, v any) any {
			switch {
			case kind == celenv.Phone:
				return next()
			case kind == celenv.Email:
				return "person@example.com"
			case kind == celenv.Text && f.Pattern == "":
				// A list's max_length counts its items, not the
				// characters of one, so only a text field cuts.
				text := []rune("<" + f.Name + ">")
				if n, unit, ok := f.LengthLimit(); ok && unit == workflow.CodePoints && int64(len(text)) > n {
					text = text[:n]
				}
				return string(text)
			}
			return v
		}
		if items, ok := v.([]any); ok && f.Type == celenv.ListKind {
			list := make([]any, len(items))
			for i, item := range items {
				list[i] = placeholder(f.Items, item)
			}
			out.Fields[f.Name] = list
		} else {
			out.Fields[f.Name] = placeholder(f.Type, v)
		}
	}
	return &out
}

func indentJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode the example payload: %w", err)
	}
	return b.Bytes(), nil
}

func (p *page) scenarios() {
	if len(p.w.Tests) == 0 {
		return
	}
	p.heading("Tested scenarios")
	p.line("`callspec test` runs each scenario through the workflow's decision code before any phone rings.")
	p.line("")
	p.line("| Scenario | Kind | Expected outcome |")
	p.line("| --- | --- | --- |")
	for _, t := range p.w.Tests {
		var want string
		switch {
		case t.Expect.NextAction != "":
			want = "completes: `" + t.Expect.NextAction + "`"
		case t.Expect.Handoff != "":
			want = "goes to a person: `" + t.Expect.Handoff + "`"
			if t.Expect.Severity != "" {
				want += " (" + t.Expect.Severity + ")"
			}
		}
		p.line("| %s | %s | %s |", cell(t.Name), t.Kind, want)
	}
}

// contract links the event schemas that build writes next to the page.
func (p *page) contract() {
	p.heading("Event schemas")
	p.line("- [Completed call](outcome.schema.json): `%s`", event.Completed)
	p.line("- [Handoff to a person](handoff.schema.json): `%s`", event.Handoff)
	if len(p.w.Targets) > 0 {
		p.line("")
		names := make([]string, len(p.w.Targets))
		for i, t := range p.w.Targets {
			names[i] = platformName(t)
		}
		p.line("Platform configuration is generated for %s.", andList(names))
	}
}

func (p *page) cta() {
	if p.w.Docs.CTAURL == "" {
		return
	}
	label := orDefault(p.w.Docs.CTALabel, "Create this Call App")
	p.heading(text(label))
	p.line("Start a working Call App from this workflow: the disclosure, questions, fields and handoff rules above come with it.")
	p.line("")
	p.line("**[%s →](%s)**", text(label), p.w.Docs.CTAURL)
}

func (p *page) related(others map[string]*ir.Workflow) {
	p.heading("Related")
	for _, r := range p.w.Docs.Related {
		switch {
		case strings.HasPrefix(r, "https://"):
			p.line("- [%s](%s)", text(strings.TrimSuffix(strings.TrimPrefix(r, "https://"), "/")), r)
		case others[r] != nil:
			o := others[r]
			p.line("- [%s](../%s/%s): %s", text(o.Title), o.ID, PageName, sentence(o.Goal))
		default:
			// Not in this build; a link would not resolve.
			p.line("- %s", text(humanize(r)))
		}
	}
	p.line("- [All workflows](../%s)", IndexName)
}

// Index renders index.md: one row per workflow.
func Index(ws []*ir.Workflow) []byte {
	p := &page{}
	p.line("<!-- Generated by callspec build; edit the specs, not this page. -->")
	p.line("")
	p.line("# Workflows")
	p.line("")
	p.line("Each page shows the opening disclosure, the question set, the fields, the handoff rules in plain words and an example payload.")
	p.line("")
	p.line("| Workflow | Caller goal | Next action | Handoff reasons |")
	p.line("| --- | --- | --- | --- |")
	for _, w := range ws {
		reasons := make([]string, 0, len(w.Handoff)+1)
		seen := map[string]bool{}
		for _, r := range w.Handoff {
			if !seen[r.Reason] {
				seen[r.Reason] = true
				reasons = append(reasons, humanize(r.Reason))
			}
		}
		if !seen[event.IncompleteCall] {
			reasons = append(reasons, humanize(event.IncompleteCall))
		}
		next := ""
		if w.NextAction != "" {
			next = "`" + w.NextAction + "`"
		}
		p.line("| [%s](%s/%s) | %s | %s | %s |", cell(w.Title), w.ID, PageName, cell(sentence(w.Goal)), next, cell(strings.Join(reasons, "; ")))
	}
	return p.b.Bytes()
}

// text makes spec text safe to place in Markdown: one line, and no raw
// HTML (a page is public, and a spec is not trusted to write markup).
func text(s string) string { return words.MarkdownText(s) }

// code is s as a Markdown code span.
func code(s string) string { return words.Code(s) }

// Condition renders a handoff rule's `when` in words for the page.
func Condition(w *ir.Workflow, r *ir.HandoffRule) string {
	return words.Condition(w, r, words.Markdown)
}

// humanize writes an identifier as words: issue_type → issue type.
func humanize(id string) string { return words.Human(id) }

// cell is text that may sit in a table cell.
func cell(s string) string {
	return strings.ReplaceAll(text(s), "|", `\|`)
}

// sentence ends s with a full stop.
func sentence(s string) string {
	s = text(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func andList(vals []string) string {
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " and " + vals[len(vals)-1]
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }
