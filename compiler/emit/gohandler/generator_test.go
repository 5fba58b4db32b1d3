package gohandler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/emit/gohandler/internal/gocheck"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/build"
	"github.com/callspec/callspec/driver/lint"
)

// checker is shared by the tests: it runs go list once.
var checker = sync.OnceValues(gocheck.New)

func newChecker(t *testing.T) *gocheck.Checker {
	t.Helper()
	c, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lintOne lints one spec file as `callspec build` does and returns its IR
// and the IDs of the rules that reported, sorted, without repeats.
func lintOne(t *testing.T, file string) (*ir.Workflow, []string) {
	t.Helper()
	res, err := lint.RunFiles([]string{file}, lint.Options{Parallelism: 1, IROnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// Lint clean means what the gate means: no finding at error. A
	// warning (scenario-coverage on random rules, say) does not stop
	// build, so it must not stop this test either.
	var ids []string
	for _, f := range res.Findings {
		if f.Severity == diag.Error {
			ids = append(ids, f.Rule)
		}
	}
	slices.Sort(ids)
	if len(res.Units) != 1 {
		return nil, slices.Compact(ids)
	}
	return res.Units[0].IR, slices.Compact(ids)
}

// buildOne runs the whole of build.Generate on w, as `callspec build` does
// after a clean lint, and returns the handler emitter's files.
func buildOne(t *testing.T, w *ir.Workflow) []gohandler.File {
	t.Helper()
	out, err := build.Generate([]*ir.Workflow{w})
	if err != nil {
		t.Fatalf("the spec lints clean, but build fails: %v", err)
	}
	var files []gohandler.File
	for _, f := range out {
		if rel, ok := strings.CutPrefix(f.Path, w.ID+"/"); ok && (rel == gohandler.GoFile(w.ID) || rel == gohandler.StubFile) {
			files = append(files, gohandler.File{Path: rel, Content: f.Content})
		}
	}
	if len(files) != 2 {
		t.Fatalf("build wrote %d of the handler's 2 files", len(files))
	}
	return files
}

// lintBuildCheck is the implication every test here asserts: a spec that
// lints clean builds, and the build's Go is exactly what the generator
// means and compiles. A spec with findings must have exactly wantRules.
// It returns the clean spec's package for go vet, or nil.
func lintBuildCheck(t *testing.T, file string, wantRules []string) *gocheck.Package {
	t.Helper()
	w, got := lintOne(t, file)
	if !slices.Equal(got, wantRules) {
		t.Fatalf("lint reports %v, want %v", got, wantRules)
	}
	if len(got) > 0 {
		return nil
	}
	files := buildOne(t, w)
	if err := newChecker(t).Check(w, files); err != nil {
		t.Fatal(err)
	}
	return &gocheck.Package{ID: w.ID, Files: files}
}

const corpus = "../../../testdata/bad-input/generator"

// TestLintCleanBuildsAndCompiles asserts "lint clean ⇒ build succeeds ⇒
// the Go compiles, declaring exactly what the generator intends" over the
// generator's bad-input corpus (each file lints as its first line says:
// `# expect: clean` or the rule IDs), over workflow ids, next actions,
// field names and enum values that are Go keywords, predeclared names or
// names the generated files use (each lints clean, or as nameCase.want),
// and over bench/specgen specs with hostile text in every text the
// generator writes (each lints clean). go vet then runs once over a
// sample of the clean ones.
func TestLintCleanBuildsAndCompiles(t *testing.T) {
	var vet []gocheck.Package
	keep := func(p *gocheck.Package) {
		if p != nil {
			vet = append(vet, *p)
		}
	}

	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no generator corpus in %s: %v", corpus, err)
	}
	for _, file := range files {
		t.Run("corpus/"+filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			expect, ok := strings.CutPrefix(first, "# expect: ")
			if !ok {
				t.Fatalf("the first line must be `# expect: clean` or `# expect: RULE…`, not %q", first)
			}
			var want []string
			if expect != "clean" {
				want = strings.Fields(expect)
			}
			keep(lintBuildCheck(t, file, want))
		})
	}

	dir := t.TempDir()
	for _, c := range nameCases {
		t.Run("names/"+c.id, func(t *testing.T) {
			file := filepath.Join(dir, c.id+".yaml")
			if err := os.WriteFile(file, []byte(namesSpec(c.id, c.next, c.fields)), 0o644); err != nil {
				t.Fatal(err)
			}
			p := lintBuildCheck(t, file, c.want)
			if c.vet {
				keep(p)
			}
		})
	}

	for i, h := range hostile {
		t.Run(fmt.Sprintf("hostile/%d", i), func(t *testing.T) {
			file := filepath.Join(dir, fmt.Sprintf("hostile_%d.yaml", i))
			if err := os.WriteFile(file, hostileSpec(i, h), 0o644); err != nil {
				t.Fatal(err)
			}
			p := lintBuildCheck(t, file, nil)
			if i%8 == 0 {
				keep(p)
			}
		})
	}

	// The golden spec, which uses every field type.
	w := load(t, "testdata/all_types.yaml")
	golden, err := gohandler.Emit(w, gohandler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	vet = append(vet, gocheck.Package{ID: w.ID, Files: golden})

	if t.Failed() {
		return
	}
	if err := newChecker(t).Vet(t.TempDir(), vet); err != nil {
		t.Fatal(err)
	}
}

type nameField struct {
	name, typ string
	values    []string
}

type nameCase struct {
	id, next string
	fields   []nameField
	want     []string // rule IDs; nil: lints clean
	vet      bool
}

// Go keywords, predeclared names, the names the stub imports and declares
// (os, http, err, h…), the names the handler declares (Fields, Outcome,
// NewHandler…) and the locals of its fieldsFrom (m, f, v, ok, t…), as
// workflow ids, next actions, field names and enum values.
var nameCases = func() []nameCase {
	enum := func(name string, values ...string) nameField { return nameField{name, "enum", values} }
	kind := enum("kind", "routine", "urgent")
	cases := []nameCase{
		{id: "main", next: "handoff", vet: true},
		{id: "init", next: "init", vet: true},
		{id: "os", next: "new_handler", vet: true},
		{id: "err", next: "validate", vet: true},
		{id: "nil", next: "decide", vet: true},
		{id: "h", next: "fields_from", vet: true},
		{id: "func_", next: "main", vet: true},
		{id: "go_to", next: "error"},
		{id: "http", next: "string"},
		{id: "log", next: "handoff_"},
		{id: "slog", next: "service"},
		{id: "context", next: "context"},
		{id: "st", next: "st"},
		{id: "ctx", next: "ctx"},
		{id: "o", next: "outcome"},
		{id: "rt", next: "rt"},
		{id: "store", next: "store"},
		{id: "service", next: "close"},
		{id: "error", next: "len"},
		{id: "string", next: "true"},
		{id: "true", next: "iota"},
		{id: "any", next: "any"},
		{id: "handler", next: "handler"},
		{id: "event", next: "event"},
		{id: "workflow", next: "workflow"},
		{id: "celenv", next: "celenv"},
		{id: "time", next: "time"},
		{id: "type_", next: "type"},
		{id: "select", next: "select"},
		{id: "fields", next: "fields"},
		{id: "x", next: "x"},
		{id: "a1", next: "a_1"},
	}
	for i := range cases {
		cases[i].fields = []nameField{kind}
	}
	// One workflow with fields named like everything the generated file
	// declares or uses.
	var fields []nameField
	for _, n := range []string{"definition", "compiled", "fields", "outcome", "handoff", "service", "new_handler", "decide", "validate", "fields_from"} {
		fields = append(fields, enum(n, "handler", "value", "fields"))
	}
	for _, n := range []string{"type", "func", "map", "string", "error", "nil", "m", "f", "v", "ok", "s", "t", "err", "e", "items", "item", "init", "main", "id", "x"} {
		fields = append(fields, nameField{n, "text", nil})
	}
	for _, n := range []string{"time", "context", "handler", "event", "workflow", "celenv"} {
		fields = append(fields, nameField{n, "datetime", nil}, nameField{n + "_list", "list", nil})
	}
	cases = append(cases,
		nameCase{id: "names_of_the_file", next: "file_ticket", fields: append([]nameField{kind}, fields...), vet: true},
		// Names that would be one Go name are findings: a1 and a_1 are
		// both A1, "+1" and "-1" both DeltaX1, urgency_high is the type
		// of one field and the constant of another.
		nameCase{id: "clash_fields", next: "file_ticket", fields: []nameField{kind, {"a1", "text", nil}, {"a_1", "text", nil}}, want: []string{"go-name-clash"}},
		nameCase{id: "clash_values", next: "file_ticket", fields: []nameField{kind, enum("delta", "+1", "-1")}, want: []string{"go-name-clash"}},
		nameCase{id: "clash_type", next: "file_ticket", fields: []nameField{kind, enum("urgency", "high"), enum("urgency_high", "yes", "no")}, want: []string{"go-name-clash"}},
		// The type of new_handler is NewHandlerValue, since the file
		// declares NewHandler; so is the constant of "handler value".
		nameCase{id: "clash_fixed", next: "file_ticket", fields: []nameField{kind, enum("new_handler", "a", "b"), enum("new", "handler value")}, want: []string{"go-name-clash"}},
	)
	return cases
}()

// namesSpec is a spec that lints clean apart from its names: fields[0]
// is a required enum that the handoff rule reads, the others optional.
func namesSpec(id, next string, fields []nameField) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	kind := fields[0]
	w("callspec: 1\nworkflow: {id: %s, title: Names, goal: Name things, owner: ops}\n", id)
	w("disclosure: Hello, this is an automated assistant and this call may be recorded.\n")
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	w("questions:\n  - id: all\n    ask: Tell me everything.\n    collects: [%s]\n", strings.Join(names, ", "))
	w("fields:\n")
	for i, f := range fields {
		w("  %s:\n    type: %s\n", f.name, f.typ)
		if f.typ == "list" {
			w("    items: text\n")
		}
		if len(f.values) > 0 {
			q := make([]string, len(f.values))
			for j, v := range f.values {
				q[j] = strconv.Quote(v)
			}
			w("    values: [%s]\n", strings.Join(q, ", "))
		}
		if i == 0 {
			w("    required: true\n")
		}
		w("    description: The %s.\n", f.name)
	}
	w("next_action: %s\n", next)
	w(`handoff:
  - reason: urgent_case
    when: fields.%[1]s == %[2]q
    severity: urgent
    owner: ops
    notify: [sms]
    caller_message: A person will call you back.
webhook: {url: "https://example.com/hooks/%[4]s", secret: "env:NAMES_SECRET"}
log: [workflow_id, call.id]
targets: [callurl]
docs:
  cta: {label: Try it, url: "https://example.com/new"}
tests:
  - name: routine
    kind: routine
    fields: {%[1]s: %[3]s}
    expect: {next_action: %[5]s}
  - name: hung up
    kind: incomplete
    fields: {}
    expect: {handoff: incomplete_call}
  - name: urgent
    kind: sensitive
    fields: {%[1]s: %[2]s}
    expect: {handoff: urgent_case, severity: urgent}
`, kind.name, kind.values[1], kind.values[0], id, next)
	return b.String()
}

// hostile are texts that once broke, or could break, generated Go: line
// breaks of every kind, comment delimiters, quotes, NUL, the byte order
// mark, control characters, bidirectional overrides, directives and
// template syntax.
var hostile = []string{
	"\n}\nfunc init() { panic(1) }\nvar _ = struct{\n",
	"*/ func init() { panic(1) } //",
	"/* x",
	"// x",
	"`raw` \"quoted\" \\ back",
	"\x00 nul",
	"\ufeff bom",
	"\x01\x02\x1b[2J\x7f\u0085 controls",
	"\r\n//go:generate rm -rf /\r\n",
	"\r//line evil.go:1\r",
	"\u2028func init() {}\u2029",
	"\u202e\u2066 bidi \u2069\u202c",
	"\u200b\u200d zero width",
	"ünïcödé 中文 ﷺ Ǆ ǅ",
	"{{.ID}} ${x} %s %v",
	"\\n\\x00\\u2028",
	"*/*/*/",
	"\"; func init() { panic(1) }; var _ = \"",
	"\t\v\f tabs",
	"package main",
}

// hostileSpec is a spec from bench/specgen, which lints clean, with h in
// its title, goal, owner, descriptions, questions and caller messages, and
// as one more value of its first enum.
func hostileSpec(i int, h string) []byte {
	src := string(specgen.Spec(7, i))
	q := yamlQuote(h)
	var out []string
	for _, line := range strings.Split(src, "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		key, _, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch key {
		case "title", "goal", "description", "caller_message":
			_, v, _ := strings.Cut(line, ": ")
			line = indent + key + ": " + yamlQuote(v+" "+h)
		case "ask":
			line = indent + "ask: " + yamlQuote("Could you tell me "+h+"?")
		case "values":
			if strings.Contains(line, "question, change_request") {
				line = strings.TrimSuffix(line, "]") + ", " + q + "]"
			}
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

// yamlQuote writes s as a YAML double-quoted scalar, with every rune that
// is not printable as an escape (YAML, like Go, has \uXXXX).
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestSourceFileName builds a spec whose file name holds line breaks and
// code: the header comment must stay one line that marks the file as
// generated (before the fix, the build failed with the whole source).
func TestSourceFileName(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x\nfunc init() { panic(1) }\n.yaml")
	if err := os.WriteFile(file, []byte(namesSpec("file_name", "file_ticket", []nameField{{"kind", "enum", []string{"routine", "urgent"}}})), 0o644); err != nil {
		t.Fatal(err)
	}
	lintBuildCheck(t, file, nil)
}
