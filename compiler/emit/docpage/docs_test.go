package docpage_test

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/compiler/emit/eventschema"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/driver/build"
	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// generated is the committed output of callspec build over workflows/.
const generated = "../../../generated"

func load(t *testing.T, path string) *ir.Workflow {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return loadBytes(t, path, content)
}

func loadBytes(t *testing.T, path string, content []byte) *ir.Workflow {
	t.Helper()
	s, findings := spec.Load(path, content)
	if s == nil {
		t.Fatalf("%s does not parse: %v", path, findings)
	}
	u, more := check.Check(s)
	for _, f := range append(findings, more...) {
		if f.Severity >= diag.Error {
			t.Fatalf("%s:%d:%d: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Message, f.Rule)
		}
	}
	return u.IR
}

func seedWorkflows(t *testing.T) []*ir.Workflow {
	t.Helper()
	paths, err := filepath.Glob("../../../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows found: %v", err)
	}
	var ws []*ir.Workflow
	for _, p := range paths {
		ws = append(ws, load(t, p))
	}
	slices.SortFunc(ws, func(a, b *ir.Workflow) int { return strings.Compare(a.ID, b.ID) })
	return ws
}

func TestShapesGolden(t *testing.T) {
	w := load(t, "testdata/shapes.yaml")
	files, err := docpage.Pages([]*ir.Workflow{w})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "shapes/README.md" || files[1].Path != "index.md" {
		t.Fatalf("pages: %v", paths(files))
	}
	golden.Check(t, filepath.Join("testdata", "shapes.README.md.golden"), files[0].Content)
	golden.Check(t, filepath.Join("testdata", "shapes.index.md.golden"), files[1].Content)
	setup, err := docpage.Setup(w)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "shapes.SETUP.md.golden"), setup)
}

// TestSeedPagesMatchGenerated is the golden test of the five seed pages:
// the committed generated/ is their golden copy, refreshed by callspec
// build.
func TestSeedPagesMatchGenerated(t *testing.T) {
	ws := seedWorkflows(t)
	files, err := docpage.Pages(ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		setup, err := docpage.Setup(w)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, docpage.File{Path: w.ID + "/" + docpage.SetupName, Content: setup})
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(generated, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%v (run go run ./cmd/callspec build)", err)
			continue
		}
		if !bytes.Equal(f.Content, want) {
			t.Errorf("generated/%s is stale; run go run ./cmd/callspec build and review the diff", f.Path)
		}
	}
}

func paths(files []docpage.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// relativeLinks returns the link targets of a Markdown page that point
// into the output directory (no scheme, no pure fragment).
func relativeLinks(page []byte) []string {
	var out []string
	for _, m := range mdLink.FindAllSubmatch(page, -1) {
		target := string(m[1])
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
			continue
		}
		target, _, _ = strings.Cut(target, "#")
		out = append(out, target)
	}
	return out
}

// TestGeneratedLinksResolve walks every page under generated/ on disk and
// checks that every relative link names a file that exists.
func TestGeneratedLinksResolve(t *testing.T) {
	n := 0
	err := filepath.WalkDir(generated, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		page, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, target := range relativeLinks(page) {
			n++
			if filepath.IsAbs(target) {
				t.Errorf("%s links to the absolute path %s", p, target)
				continue
			}
			dest := filepath.Join(filepath.Dir(p), filepath.FromSlash(target))
			rel, err := filepath.Rel(generated, dest)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links outside generated/: %s", p, target)
				continue
			}
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("%s links to %s, which does not exist", p, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no relative links under generated/; is it built?")
	}
}

// TestBuildOutputLinksResolve checks the links of a fresh build in memory,
// so a broken link fails even before generated/ is rebuilt.
func TestBuildOutputLinksResolve(t *testing.T) {
	for name, ws := range map[string][]*ir.Workflow{
		"seeds":  seedWorkflows(t),
		"shapes": {load(t, "testdata/shapes.yaml")},
	} {
		files, err := build.Generate(ws)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, f := range files {
			have[f.Path] = true
		}
		for _, f := range files {
			if path.Ext(f.Path) != ".md" {
				continue
			}
			for _, target := range relativeLinks(f.Content) {
				dest := path.Join(path.Dir(f.Path), target)
				if !have[dest] {
					t.Errorf("%s: %s links to %s (%s), which the build does not write", name, f.Path, target, dest)
				}
			}
		}
	}
}

// TestNoInternalsLeak keeps the public page apart from the production
// handler: no endpoints, secrets or environment variable names.
func TestNoInternalsLeak(t *testing.T) {
	ws := append(seedWorkflows(t), load(t, "testdata/shapes.yaml"))
	for _, w := range ws {
		page, err := docpage.Page(w, nil)
		if err != nil {
			t.Fatal(err)
		}
		secrets := []string{w.Webhook.URL, w.Webhook.SecretEnv, "env:", "/hooks/", "handler"}
		if fw := w.Webhook.Forward; fw != nil {
			secrets = append(secrets, fw.URL, fw.SecretEnv)
		}
		if w.Webhook.IdempotencyKey != "call.id" {
			secrets = append(secrets, w.Webhook.IdempotencyKey)
		}
		for _, s := range secrets {
			if s != "" && bytes.Contains(page, []byte(s)) {
				t.Errorf("the page of %s contains %q", w.ID, s)
			}
		}
	}
}

var examplePayload = regexp.MustCompile("(?s)### Example payload\n.*?```json\n(.*?)```")

// TestExamplePayloadValidates checks the example payload of every seed
// page against the workflow's own outcome schema.
func TestExamplePayloadValidates(t *testing.T) {
	for _, w := range append(seedWorkflows(t), load(t, "testdata/shapes.yaml")) {
		page, err := docpage.Page(w, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := examplePayload.FindSubmatch(page)
		if m == nil {
			t.Errorf("the page of %s has no example payload", w.ID)
			continue
		}
		sch, err := eventschema.Outcome(w)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := sjs.UnmarshalJSON(bytes.NewReader(sch))
		if err != nil {
			t.Fatal(err)
		}
		c := sjs.NewCompiler()
		if err := c.AddResource("urn:test:outcome", doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("urn:test:outcome")
		if err != nil {
			t.Fatal(err)
		}
		inst, err := sjs.UnmarshalJSON(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatalf("%s: the example payload is not JSON: %v", w.ID, err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%s: the example payload does not fit outcome.schema.json: %v", w.ID, err)
		}
	}
}

// TestSeedPageSections checks that each seed page carries what the seeds'
// quality gate asks for.
func TestSeedPageSections(t *testing.T) {
	ws := seedWorkflows(t)
	files, err := docpage.Pages(ws)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range ws {
		page := string(files[i].Content)
		for _, want := range []string{
			"# " + w.Title,
			"## Opening disclosure",
			"## Question set",
			"1. " + w.Questions[0].Ask,
			"| Field | Type | Required | Personal data | Description |",
			"## Handoff rules",
			"## Next action",
			"### Example payload",
			"## Tested scenarios",
			"](" + w.Docs.CTAURL + ")",
			"## Related",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the page of %s lacks %q", w.ID, want)
			}
		}
		for _, r := range w.Handoff {
			if strings.Contains(page, r.When) {
				t.Errorf("the page of %s shows the raw condition %q instead of words", w.ID, r.When)
			}
		}
	}
}

// TestTablesAreWellFormed checks that every table row has as many cells as
// its header, so spec text with a | cannot break a table.
func TestTablesAreWellFormed(t *testing.T) {
	ws := append(seedWorkflows(t), load(t, "testdata/shapes.yaml"))
	files, err := docpage.Pages(ws)
	if err != nil {
		t.Fatal(err)
	}
	cells := func(line string) int {
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] == '\\' {
				i++
				continue
			}
			if line[i] == '|' {
				n++
			}
		}
		return n
	}
	for _, f := range files {
		header := 0
		for i, line := range strings.Split(string(f.Content), "\n") {
			if !strings.HasPrefix(line, "|") {
				header = 0
				continue
			}
			if header == 0 {
				header = cells(line)
				continue
			}
			if got := cells(line); got != header {
				t.Errorf("%s:%d: row has %d separators, header %d: %s", f.Path, i+1, got, header, line)
			}
		}
	}
}

// TestPageStatesTheDecisionOrder: every page lists the four steps of the
// decision order, in order, in the words of workflow.Step.Summary, with
// its rules under step 2 and its built-in handoffs' routing.
func TestPageStatesTheDecisionOrder(t *testing.T) {
	for _, w := range seedWorkflows(t) {
		page, err := docpage.Page(w, nil)
		if err != nil {
			t.Fatal(err)
		}
		at := 0
		for s := workflow.StepCallEnded; s <= workflow.StepCompleted; s++ {
			i := bytes.Index(page[at:], []byte(fmt.Sprintf("%d. **", s)))
			j := bytes.Index(page[at:], []byte(s.Summary()))
			if i < 0 || j < i {
				t.Errorf("%s: step %d (%q) is missing or out of order", w.ID, s, s.Summary())
				break
			}
			at += j
		}
		def := w.Definition()
		inc := def.BuiltinHandoff(event.IncompleteCall)
		if !bytes.Contains(page, []byte("The caller hears: “"+inc.CallerMessage+"”")) {
			t.Errorf("%s: the incomplete-call message %q is not on the page", w.ID, inc.CallerMessage)
		}
		for i, r := range w.Handoff {
			if !bytes.Contains(page, []byte(fmt.Sprintf("   %d. **", i+1))) || !bytes.Contains(page, []byte(r.CallerMessage)) {
				t.Errorf("%s: rule %d (%s) is not listed under step 2", w.ID, i+1, r.Reason)
			}
		}
	}
}

// TestChangesSection: with changes since another version, a changed
// workflow's page gains one section before the disclosure and is
// otherwise the same page; without, pages are byte for byte Pages'.
func TestChangesSection(t *testing.T) {
	ws := []*ir.Workflow{load(t, "testdata/shapes.yaml")}
	id := ws[0].ID
	plain, err := docpage.Pages(ws)
	if err != nil {
		t.Fatal(err)
	}
	intro := "What consumers of this workflow's events and its service see change. **Breaking** changes break them unless they are updated first (`callspec breaking` explains each).\n\n"
	cases := []struct {
		name    string
		changes *docpage.Changes
		section string
	}{
		{"no changes", nil, ""},
		{"workflow unchanged", &docpage.Changes{Since: "origin/main", ByWorkflow: map[string][]docpage.Change{"other": {{Format: "The field %s was removed.", Names: []string{"x"}}}}}, ""},
		{"changed", &docpage.Changes{Since: "origin/main", ByWorkflow: map[string][]docpage.Change{id: {
			{Breaking: true, Format: "The field %s was removed.", Names: []string{"a`b"}},
			{Format: "The field %s was added (optional).", Names: []string{"notes"}},
			{Breaking: true, Format: "The webhook address changed: every platform must be <reconfigured>.", Names: nil},
		}}}, "\n## Changes since `origin/main`\n\n" + intro +
			"- **Breaking:** The field ``a`b`` was removed.\n" +
			"- The field `notes` was added (optional).\n" +
			"- **Breaking:** The webhook address changed: every platform must be &lt;reconfigured&gt;.\n"},
		{"new", &docpage.Changes{Since: "../old checkout", New: map[string]bool{id: true}},
			"\n## Changes since `../old checkout`\n\nThis workflow is new: `../old checkout` has no workflow `" + id + "`.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files, err := docpage.PagesSince(ws, c.changes)
			if err != nil {
				t.Fatal(err)
			}
			const next = "\n## Opening disclosure\n"
			want := strings.Replace(string(plain[0].Content), next, c.section+next, 1)
			if got := string(files[0].Content); got != want {
				t.Errorf("page:\n%s\nwant:\n%s", got, want)
			}
			if !bytes.Equal(files[1].Content, plain[1].Content) {
				t.Errorf("the index changed:\n%s", files[1].Content)
			}
		})
	}
}

// TestPlaceholdersCutTextNotListItems: a text placeholder is cut to the
// field's max_length, which counts characters; a list's max_length counts
// items, so its items' placeholders stay whole (they were cut to "<a"
// for a list of at most two items).
func TestPlaceholdersCutTextNotListItems(t *testing.T) {
	w := &ir.Workflow{Fields: []ir.Field{
		{Field: workflow.Field{Name: "nickname", Type: "text", PII: true, MaxLength: 4}},
		{Field: workflow.Field{Name: "aliases", Type: "list", Items: "text", PII: true, MaxLength: 2}},
		{Field: workflow.Field{Name: "ref", Type: "text", PII: true, Pattern: "^R"}},
	}}
	ev := &event.Event{Fields: map[string]any{"nickname": "Joanna", "aliases": []any{"Jo", "Joanna Smith"}, "ref": "R1"}}
	got := docpage.WithPlaceholders(ev, w).Fields
	want := map[string]any{"nickname": "<nic", "aliases": []any{"<aliases>", "<aliases>"}, "ref": "R1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("placeholders %v, want %v", got, want)
	}
}

// TestReadsOthers: a page whose Related section links no other workflow
// (a build finishes it at once, without the set) is the same with and
// without the others; one that links a workflow says it reads them.
func TestReadsOthers(t *testing.T) {
	ws := seedWorkflows(t)
	set := map[string]*ir.Workflow{}
	for _, w := range ws {
		set[w.ID] = docpage.Summary(w)
	}
	for _, related := range [][]string{nil, {"https://example.com/guide"}, {ws[1].ID}, {"https://example.com/a", "no_such_workflow"}} {
		w := *ws[0]
		w.Docs.Related = related
		want := len(related) > 0 && !strings.HasPrefix(related[len(related)-1], "https://")
		alone, err := docpage.Start(&w, nil)
		if err != nil {
			t.Fatal(err)
		}
		if alone.ReadsOthers() != want {
			t.Errorf("related %q: ReadsOthers is %v, want %v", related, alone.ReadsOthers(), want)
		}
		if want {
			continue
		}
		withSet, _ := docpage.Start(&w, nil)
		if a, b := alone.Finish(nil), withSet.Finish(set); !bytes.Equal(a, b) {
			t.Errorf("related %q: the page differs without the others:\n%s\nwith them:\n%s", related, a, b)
		}
	}
}
