package source_test

import (
	"fmt"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/source"
)

// scalar parses "k: <text>" and returns the file and the value node.
func scalar(t *testing.T, text string) (*source.File, *yaml.Node) {
	t.Helper()
	content := []byte("k: " + text + "\n")
	var root yaml.Node
	if err := yaml.Load(content, &root); err != nil {
		t.Fatal(err)
	}
	return source.NewFile("f.yaml", content), root.Content[0].Content[1]
}

// TestMapScalarPutsEveryNonSpaceCodePointAtItsPlace checks, for each
// scalar style, that the code point i of the decoded value maps to a file
// position holding that same character (escapes aside).
func TestMapScalarPutsEveryNonSpaceCodePointAtItsPlace(t *testing.T) {
	cases := []string{
		`plain value`,
		`"double \"quoted\" tab\there é"`,
		`'single ''quoted'' é'`,
		"|\n  first line\n    indented\n  last",
		">-\n  folded one\n  folded two\n\n  new paragraph",
		"plain folded\n  over two lines",
		"\"quoted folded\n  over lines\"",
		"\"escaped \\\n  line break\"",
		`"unicode \u00e9 and \x41"`,
	}
	for _, text := range cases {
		f, n := scalar(t, text)
		m := f.MapScalar(n)
		for i, r := range []rune(n.Value) {
			if r == ' ' || r == '\n' || r == '\t' || r == 'é' || r == 'A' && text == cases[8] {
				continue
			}
			p := m.At(i)
			line := []rune(f.LineText(p.Line))
			escaped := p.Col >= 1 && p.Col <= len(line) && line[p.Col-1] == '\\' // an escape starts here
			if p.Col < 1 || p.Col > len(line) || (line[p.Col-1] != r && !escaped) {
				t.Errorf("%q: value[%d]=%q maps to %d:%d, which holds %q", text, i, r, p.Line, p.Col, at(line, p.Col))
			}
		}
	}
}

func at(line []rune, col int) string {
	if col < 1 || col > len(line) {
		return "nothing"
	}
	return string(line[col-1])
}

func TestNodeRange(t *testing.T) {
	cases := map[string]string{
		`plain`:               "1:4-1:9",
		`"quoted"`:            "1:4-1:12",
		`''`:                  "1:4-1:6",
		"[a, b]":              "1:4-1:10",
		"{x: 1}":              "1:4-1:10",
		"|\n  one\n  two":     "1:4-3:6",
		"\n  - a\n  - bb":     "2:3-3:7",
		"\n  x: 1\n  y: long": "2:3-3:10",
	}
	for text, want := range cases {
		f, n := scalar(t, text)
		r := f.NodeRange(n)
		if got := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Col, r.End.Line, r.End.Col); got != want {
			t.Errorf("%q: range %s, want %s", text, got, want)
		}
	}
}

func TestPositions(t *testing.T) {
	f := source.NewFile("f", []byte("ab\ncé\r\nz"))
	if f.LineCount() != 3 || f.LineText(2) != "cé" || f.LineText(3) != "z" || f.LineText(4) != "" {
		t.Fatalf("lines: %d %q %q", f.LineCount(), f.LineText(2), f.LineText(3))
	}
	for _, p := range []source.Pos{{Line: 1, Col: 1}, {Line: 2, Col: 2}, {Line: 3, Col: 1}} {
		if got := f.PosAt(f.Offset(p)); got != p {
			t.Errorf("round trip of %v gave %v", p, got)
		}
	}
}

// TestLoneCarriageReturnEndsALine follows YAML, which ends a line at \n,
// \r\n and a lone \r; the parser's line numbers are only right if ours
// count the same (found by FuzzLoadAndLint with the input "\r0").
func TestLoneCarriageReturnEndsALine(t *testing.T) {
	f := source.NewFile("f", []byte("a\rb\r\nc\r"))
	if f.LineCount() != 4 || f.LineText(1) != "a" || f.LineText(2) != "b" || f.LineText(3) != "c" || f.LineText(4) != "" {
		t.Fatalf("lines: %d %q %q %q", f.LineCount(), f.LineText(1), f.LineText(2), f.LineText(3))
	}
	if got := f.PosAt(f.Offset(source.Pos{Line: 1, Col: 5})); got != (source.Pos{Line: 1, Col: 2}) {
		t.Errorf("a column past the end of line 1 clamps to %v, want 1:2", got)
	}
	if got := f.PosAt(2); got != (source.Pos{Line: 2, Col: 1}) {
		t.Errorf("offset 2 is %v, want 2:1", got)
	}
}

// TestScalarAfterLoneCarriageReturn maps a scalar whose tag ends line 1
// with a lone \r (found by FuzzLoadAndLint with "!1111111\r0").
func TestScalarAfterLoneCarriageReturn(t *testing.T) {
	content := []byte("!1111111\r0")
	var root yaml.Node
	if err := yaml.Load(content, &root); err != nil {
		t.Fatal(err)
	}
	f := source.NewFile("f", content)
	got := f.NodeRange(root.Content[0])
	want := source.Range{File: "f", Start: source.Pos{Line: 1, Col: 1}, End: source.Pos{Line: 2, Col: 2}}
	if got != want {
		t.Errorf("range %v, want %v", got, want)
	}
}
