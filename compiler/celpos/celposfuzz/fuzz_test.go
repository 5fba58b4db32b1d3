package celposfuzz_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules"
)

// head is a valid spec up to the `when:` of its only handoff rule, which
// sits on line whenLine; tail follows the expression.
const (
	head = `callspec: 1
workflow: {id: positions, title: Positions, goal: Test positions}
fields:
  urgency: {type: enum, values: [routine, urgent, emergency], required: true}
  notes: {type: text, max_length: 100}
  count: {type: integer}
  amount: {type: number}
  tags: {type: list, items: text, max_length: 5}
  when_at: {type: datetime}
handoff:
  - reason: r
    when:`
	whenLine = 12
	tail     = "\n    owner: team\nwebhook: {url: \"https://example.com/h\", secret: \"env:S\"}\n"
)

// style writes expr as one YAML scalar style after "when:"; ok is false
// when the style cannot hold expr at all.
type style struct {
	name  string
	write func(expr string) (yaml string, ok bool)
	// block is true when the value starts on the line after the header.
	block bool
}

var styles = []style{
	{"plain", func(e string) (string, bool) {
		return " " + e, !strings.ContainsAny(e, "\n\r")
	}, false},
	{"double-quoted", func(e string) (string, bool) {
		b, err := json.Marshal(e) // a JSON string is a YAML double-quoted scalar
		return " " + string(b), err == nil
	}, false},
	{"single-quoted", func(e string) (string, bool) {
		return " '" + strings.ReplaceAll(e, "'", "''") + "'", !strings.ContainsAny(e, "\n\r")
	}, false},
	{"literal", func(e string) (string, bool) { return " |\n" + indent(e), true }, true},
	{"folded", func(e string) (string, bool) { return " >-\n" + indent(e), true }, true},
}

func indent(e string) string {
	lines := strings.Split(e, "\n")
	for i, l := range lines {
		lines[i] = "      " + l
	}
	return strings.Join(lines, "\n")
}

func FuzzCELPositions(f *testing.F) {
	for _, seed := range []string{
		`fields.urgency == "emergency"`,
		`fields.urgency == "emergancy"`,
		`fields.urgnecy == "x"`,
		`fields.urgency == 3`,
		`fields.notes`,
		`fields.urgency == (`,
		`has(fields.count) && fields.count > 2 || fields.amount < 1.5`,
		`fields.tags.exists(t, t.contains("leak"))`,
		`fields.notes.matches("(")`,
		`call.duration_s > 60 && call.started_at < timestamp("2024-01-01T00:00:00Z")`,
		"fields.urgency == \"routine\" &&\n  fields.nope == 3",
		"fields.urgency ==\n== \"x\"",
		`"émoji 🚨" == fields.notes`,
		`fields.urgency == "a\"b" || fields.notes == 'c'`,
		`[1,2,3].all(x, [1,2,3].all(y, x < y))`,
		`workflow.id == "positions" ? true : false`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if !utf8.ValidString(expr) || strings.ContainsRune(expr, '\r') {
			return // a spec must be UTF-8 and the loader refuses control characters anyway
		}
		for _, st := range styles {
			when, ok := st.write(expr)
			if !ok {
				continue
			}
			checkStyle(t, st, head+when+tail)
		}
	})
}

// checkStyle lints src and checks that every CEL finding lies on the lines
// of the `when` scalar.
func checkStyle(t *testing.T, st style, src string) {
	s, fs := spec.Load("p.yaml", []byte(src))
	if s == nil || len(s.Handoff.Items) != 1 || !s.Handoff.Items[0].When.Set {
		return // the expression broke the YAML around it; the loader's findings cover that
	}
	when := s.Handoff.Items[0].When
	first, last := when.Range().Start.Line, when.Range().End.Line
	if st.block && strings.TrimSpace(when.Value) != "" {
		// A finding inside a block scalar points at its content, which
		// starts on the line after the header; an empty block has only
		// its header to point at.
		first = whenLine + 1
		last = max(last, first)
	} else if when.Range().Start.Line != whenLine {
		t.Fatalf("%s: the scalar starts on line %d, want %d", st.name, when.Range().Start.Line, whenLine)
	}
	u, more := check.Check(s)
	fs = append(fs, more...)
	ruleFindings, facts := rules.RunFile(u)
	fs = append(fs, ruleFindings...)
	fs = append(fs, rules.RunSet([]*rules.FileFacts{facts})...)
	lines := strings.Split(src, "\n")
	for _, fd := range fs {
		if !isCEL(fd) {
			continue
		}
		r := fd.Range
		where := func(p string) {
			t.Errorf("%s: %s finding %q at %d:%d-%d:%d %s (the scalar spans lines %d-%d)\n%s",
				st.name, fd.Rule, fd.Message, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, p, first, last, src)
		}
		switch {
		case r.Start.Line < first || r.End.Line > last:
			where("is outside the scalar's lines")
		case r.End.Before(r.Start):
			where("ends before it starts")
		case r.Start.Col < 1 || r.Start.Col > utf8.RuneCountInString(lines[r.Start.Line-1])+1:
			where("starts outside its line")
		case r.End.Col > utf8.RuneCountInString(lines[r.End.Line-1])+2:
			where("ends outside its line")
		}
	}
}

// isCEL reports whether a finding is about the expression itself.
func isCEL(fd diag.Finding) bool {
	return strings.HasPrefix(fd.Rule, "cel-") || fd.Rule == "unguarded-optional"
}
