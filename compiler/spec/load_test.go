package spec_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

func render(fs []diag.Finding) []string {
	diag.Sort(fs)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%d:%d-%d:%d %s: %s", f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Line, f.Range.End.Col, f.Rule, f.Message)
	}
	return out
}

const validSpec = `callspec: 1
workflow:
  id: intake
  title: Intake
  goal: Report a problem
fields:
  urgency: {type: enum, values: [routine, urgent], required: true}
webhook:
  url: https://example.com/hook
  secret: env:SECRET
`

func TestLoadValidSpecHasNoFindings(t *testing.T) {
	s, fs := spec.Load("ok.yaml", []byte(validSpec))
	if len(fs) != 0 {
		t.Fatalf("findings: %v", render(fs))
	}
	if s.Workflow.ID.Value != "intake" || len(s.Fields.Entries) != 1 || s.Fields.Entries[0].Key.Value != "urgency" {
		t.Fatalf("unexpected tree: %+v", s.Workflow)
	}
	id := s.Workflow.ID
	if id.Range().Start.Line != 3 || id.Range().Start.Col != 7 || id.Range().End.Col != 13 || id.Key().Start.Col != 3 {
		t.Errorf("id range = %+v key %+v", id.Range(), id.Key())
	}
}

// TestSchemaPositions asserts exact line:col for each kind of schema and
// duplicate-key finding.
func TestSchemaPositions(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"unknown key with did-you-mean", strings.Replace(validSpec, "  title: Intake", "  titel: Intake", 1), []string{
			`2:1-2:9 schema: ` + "`workflow`" + ` is missing the required key "title"`,
			`4:3-4:8 schema: unknown key "titel" in ` + "`workflow`" + `; did you mean "title"?`,
		}},
		{"unknown top-level key lists known keys", validSpec + "zzz: 1\n", []string{
			`11:1-11:4 schema: unknown key "zzz" in the spec (known keys: callspec, workflow, language, disclosure, questions, fields, next_action, handoff, incomplete, phone_region, webhook, log, targets, docs, deploy, tests)`,
		}},
		{"missing top-level key points at line 1", strings.Replace(validSpec, "webhook:\n  url: https://example.com/hook\n  secret: env:SECRET\n", "", 1), []string{
			`1:1-1:2 schema: the spec is missing the required key "webhook"`,
		}},
		{"wrong type: list where text is expected", strings.Replace(validSpec, "goal: Report a problem", "goal: [a, b]", 1), []string{
			`5:9-5:15 schema: ` + "`workflow.goal`" + ` must be text, but it is a list`,
		}},
		{"wrong type: text where a bool is expected", strings.Replace(validSpec, "required: true", "required: yes please", 1), []string{
			`7:62-7:72 schema: ` + "`fields.urgency.required`" + ` must be true or false, but it is the text "yes please"`,
		}},
		{"wrong type: float where a whole number is expected", strings.Replace(validSpec, "callspec: 1", "callspec: 1.5", 1), []string{
			`1:11-1:14 schema: ` + "`callspec`" + ` must be a whole number, but it is the number 1.5`,
		}},
		{"null required value", strings.Replace(validSpec, "  goal: Report a problem", "  goal:", 1), []string{
			`5:3-5:7 schema: ` + "`workflow.goal`" + ` needs a value`,
		}},
		{"duplicate key points at the second one", strings.Replace(validSpec, "  goal: Report a problem", "  goal: Report a problem\n  goal: Again", 1), []string{
			`6:3-6:7 duplicate-key: key "goal" is already defined at line 5, column 3; YAML would silently keep only one of them, so remove one`,
		}},
		{"duplicate field name", strings.Replace(validSpec, "fields:\n", "fields:\n  urgency: {type: text}\n", 1), []string{
			`8:3-8:10 duplicate-key: "urgency" is already defined at line 7, column 3; YAML would silently keep only one of them, so remove one`,
		}},
		{"mapping where a list is expected", validSpec + "log: {a: b}\n", []string{
			"11:6-11:12 schema: `log` must be a list, but it is a mapping",
		}},
		{"version 2", strings.Replace(validSpec, "callspec: 1", "callspec: 2", 1), []string{
			"1:11-1:12 schema: format version 2 is not supported; this callspec reads `callspec: 1`",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := spec.Load("x.yaml", []byte(tc.src))
			got := render(fs)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n got:\n  %s\n want:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestBadInputCorpus loads every file of testdata/bad-input: each must give
// at least one finding, never a panic, and the expected first finding
// where one is listed. Every crash fixed adds its input to this directory.
func TestBadInputCorpus(t *testing.T) {
	want := map[string]string{
		"empty.yaml":           "1:1 syntax: the file is empty",
		"whitespace-only.yaml": "1:1 syntax: the file is empty",
		"top-level-list.yaml":  "1:1 schema: a spec must be a mapping that starts with `callspec: 1`, but this file holds a list",
		"scalar-document.yaml": "1:1 schema: a spec must be a mapping that starts with `callspec: 1`, but this file holds the text",
		"tabs.yaml":            "3:1 syntax: invalid YAML: a tab character cannot indent YAML; indent with spaces",
		"non-utf8.yaml":        "3:10 syntax: the file is not valid UTF-8 (byte 0xe9 here)",
		"binary.yaml":          "1:1 syntax: the file contains the control character U+007F",
		"billion-laughs.yaml":  "16:15 syntax: the spec expands to more than 50000 YAML nodes (limit max-nodes)",
		"deep-nesting.yaml":    "5:45 syntax: values are nested more than 32 levels deep (limit max-depth)",
		"two-documents.yaml":   "3:1 syntax: invalid YAML: the file holds more than one YAML document",
		"unclosed-quote.yaml":  "5:1 syntax: invalid YAML: while scanning a quoted scalar found unexpected end of stream (started at line 3, column 7)",
		"undefined-alias.yaml": "2:11 syntax: invalid YAML: unknown anchor 'nowhere' referenced",
		"list-as-key.yaml":     "1:1 schema: the spec is missing the required key \"fields\"",
		"wrong-version.yaml":   "1:11 schema: format version 2 is not supported",
		// Found by FuzzLoadAndLint: the parser reported line 2 of a
		// one-line file.
		// Found by FuzzLoadAndLint: YAML ends a line at a lone carriage
		// return, and positions were off by a line until source.File did too.
		"unclosed-quote-lone-cr.yaml": "2:1 syntax: invalid YAML: while scanning a quoted scalar found unexpected end of stream",
		"lone-carriage-return.yaml":   "2:1 schema: a spec must be a mapping that starts with `callspec: 1`, but this file holds the number 0",
		// Found by FuzzLoadAndLint: mapping the scalar back to the file
		// did not count the lone carriage return as a line break.
		// Found by FuzzLoadAndLint: the empty value of ":" sat past the
		// end of the file, and so did the list's range.
		"flow-entry-without-key.yaml":      "1:1 schema: a spec must be a mapping that starts with `callspec: 1`, but this file holds a list",
		"tagged-scalar-after-lone-cr.yaml": "1:1 schema: a spec must be a mapping that starts with `callspec: 1`, but this file holds the text \"0\"",
		"unclosed-flow-at-eof.yaml":        "1:2 syntax: invalid YAML: while parsing a flow node did not find expected node content (started at line 1, column 2)",
	}
	dir := filepath.Join("..", "..", "testdata", "bad-input")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			// Subdirectories hold bad input of other kinds (payloads,
			// generator attacks, file-system cases), each with a test of
			// its own; see testdata/bad-input/README.md.
			continue
		}
		t.Run(name, func(t *testing.T) {
			content, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			_, fs := spec.Load(name, content)
			if exp, ok := want[name]; ok {
				if len(fs) == 0 {
					t.Fatalf("no findings, want %q", exp)
				}
				diag.Sort(fs)
				got := fmt.Sprintf("%d:%d %s: %s", fs[0].Range.Start.Line, fs[0].Range.Start.Col, fs[0].Rule, fs[0].Message)
				if !strings.HasPrefix(got, exp) {
					t.Errorf("first finding\n got  %s\n want %s…", got, exp)
				}
			}
		})
	}
}

// TestHugeFileIsRefusedWithoutParsing checks the 10 MB case: one finding,
// and no memory spent on parsing it.
func TestHugeFileIsRefusedWithoutParsing(t *testing.T) {
	huge := []byte("callspec: 1\n" + strings.Repeat("# padding line of a very large spec\n", 10<<20/36))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, fs := spec.Load("huge.yaml", huge)
	runtime.ReadMemStats(&after)
	got := render(fs)
	if len(got) != 1 || !strings.Contains(got[0], "1:1-1:2 syntax: the file is 10.0 MiB; a spec may be at most 1.0 MiB (limit max-file-size)") {
		t.Fatalf("findings: %v", got)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("loading a refused file allocated %d bytes", alloc)
	}
}

// TestDuplicateKeyInALargeMapping covers the indexed path of the decoder:
// a mapping of more than 32 keys, as a hostile or generated spec has.
func TestDuplicateKeyInALargeMapping(t *testing.T) {
	var b strings.Builder
	b.WriteString("callspec: 1\nworkflow:\n  id: big\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  extra_%d: x\n", i)
	}
	b.WriteString("  id: again\n")
	_, fs := spec.Load("big.yaml", []byte(b.String()))
	var dups, unknown int
	for _, f := range fs {
		switch {
		case f.Rule == string(catalog.DuplicateKey):
			dups++
			if f.Range.Start.Line != 44 || f.Range.Start.Col != 3 || !strings.Contains(f.Message, "line 3, column 3") {
				t.Errorf("duplicate at %d:%d: %s", f.Range.Start.Line, f.Range.Start.Col, f.Message)
			}
		case strings.HasPrefix(f.Message, "unknown key \"extra_"):
			unknown++
		}
	}
	if dups != 1 || unknown != 40 {
		t.Errorf("%d duplicate-key and %d unknown-key findings, want 1 and 40", dups, unknown)
	}
}
