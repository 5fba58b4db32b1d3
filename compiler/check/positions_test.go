package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
)

// specWith returns a minimal valid spec whose first handoff rule's when is
// written as whenYAML (the text after "when:", including block indicators
// and following lines).
func specWith(whenYAML string) string {
	return `callspec: 1
workflow: {id: positions, title: Positions, goal: Test positions}
fields:
  urgency: {type: enum, values: [routine, urgent, emergency], required: true}
  notes: {type: text, max_length: 100}
handoff:
  - reason: r
    when:` + whenYAML + `
webhook: {url: "https://example.com/h", secret: "env:S"}
`
}

type wantFinding struct {
	rule      string
	line, col int
	endCol    int
}

func findingsOf(t *testing.T, src string) []diag.Finding {
	t.Helper()
	s, fs := spec.Load("p.yaml", []byte(src))
	if s == nil {
		t.Fatalf("load failed: %v", fs)
	}
	_, more := check.Check(s)
	fs = append(fs, more...)
	diag.Sort(fs)
	return fs
}

func TestCELPositionsInEveryScalarStyle(t *testing.T) {
	// Line 8 holds "    when:"; the expression starts at column 11 when
	// plain (after "    when: ").
	cases := []struct {
		name string
		when string
		want []wantFinding
	}{
		{"plain unknown field", ` fields.urgnecy == "x"`,
			[]wantFinding{{"cel-type", 8, 18, 25}}},
		{"plain enum literal", ` fields.urgency == "emergancy"`,
			[]wantFinding{{"cel-type", 8, 29, 40}}},
		// ANTLR ended a literal with non-ASCII text bytes, not code
		// points, after its start (one column too far here).
		{"plain non-ASCII enum literal", ` fields.urgency == "émergence"`,
			[]wantFinding{{"cel-type", 8, 29, 40}}},
		{"plain type mismatch", ` fields.urgency == 3`,
			[]wantFinding{{"cel-type", 8, 26, 28}}},
		{"double quoted with escapes", ` "fields.urgency == \"routine\" && fields.zzz"`,
			[]wantFinding{{"cel-type", 8, 52, 55}}},
		{"single quoted with doubled quote", ` 'fields.urgency == ''routine'' && fields.zzz'`,
			[]wantFinding{{"cel-type", 8, 52, 55}}},
		{"literal block, second line", " |\n      fields.urgency == \"urgent\" &&\n        fields.nope == 3",
			[]wantFinding{{"cel-type", 10, 16, 20}}},
		{"folded block, second line", " >-\n      fields.urgency == \"routine\"\n      && fields.urgency == 3",
			[]wantFinding{{"cel-type", 10, 25, 27}}},
		{"folded block enum literal", " >\n      fields.urgency == \"routine\" ||\n      fields.urgency == \"emergancy\"",
			[]wantFinding{{"cel-type", 10, 25, 36}}},
		{"plain scalar folded over two lines", " fields.urgency == \"routine\" ||\n      fields.nope",
			[]wantFinding{{"cel-type", 9, 14, 18}}},
		{"syntax error at end", ` fields.urgency == (`,
			[]wantFinding{{"cel-syntax", 8, 30, 31}}},
		// Found by FuzzCELPositions: the end of a literal block's value is
		// its kept final newline; "ends too early" points just after the
		// last token, not past the end of the line.
		{"syntax error at end of literal block", " |\n      fields.urgency == (",
			[]wantFinding{{"cel-syntax", 9, 26, 27}}},
		{"syntax error in literal block", " |-\n      fields.urgency ==\n        == \"x\"",
			[]wantFinding{{"cel-syntax", 10, 9, 10}}},
		// A call's location is its opening parenthesis; the caret goes on
		// the function's name.
		{"plain undeclared function", ` has(fields.notes) && fields.notes > date("2026-01-31")`,
			[]wantFinding{{"cel-type", 8, 47, 51}}},
		{"double quoted undeclared function", ` "fields.urgency == \"routine\" || date(\"x\") == \"y\""`,
			[]wantFinding{{"cel-type", 8, 45, 49}}},
		{"literal block undeclared function", " |\n      has(fields.notes) &&\n        date(\"2026-01-31\") > fields.notes",
			[]wantFinding{{"cel-type", 10, 9, 13}}},
		{"folded block undeclared function", " >-\n      fields.urgency == \"routine\"\n      || date (\"2026-01-31\") == \"x\"",
			[]wantFinding{{"cel-type", 10, 10, 14}}},
		{"member function overload", ` has(fields.notes) && fields.notes.startsWith(1)`,
			[]wantFinding{{"cel-type", 8, 45, 55}}},
		{"function named twice, the second undeclared", ` has(fields.notes) && fields.notes.size() > 1 && size(1, 2) > 0`,
			[]wantFinding{{"cel-type", 8, 59, 63}}},
		{"not bool", ` fields.notes`,
			[]wantFinding{{"cel-not-bool", 8, 11, 23}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := findingsOf(t, specWith(tc.when))
			var got []string
			for _, f := range fs {
				got = append(got, fmt.Sprintf("%s %d:%d-%d", f.Rule, f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Col))
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, fmt.Sprintf("%s %d:%d-%d", w.rule, w.line, w.col, w.endCol))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings:\n got  %q\n want %q\nall: %v", got, want, fs)
			}
		})
	}
}
