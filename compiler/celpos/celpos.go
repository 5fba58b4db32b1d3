// Package celpos maps positions inside a CEL expression to the spec file,
// so findings point at the offending token wherever the expression sits:
// a plain or quoted scalar, or a literal (|) or folded (>) block scalar.
package celpos

import (
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
)

// Expr is one CEL expression of a spec, with the map from its code points
// to the file.
type Expr struct {
	Text  string
	file  *source.File
	str   spec.String
	smap  *source.ScalarMap
	lines []int // code point offset of each line start in Text
	// runes is Text as code points, made on the first find: a rule may
	// look up a name for each of thousands of reads, and converting the
	// text for each made that quadratic.
	runes []rune
}

// New prepares the expression held in s, a scalar of file f.
func New(f *source.File, s spec.String) *Expr {
	e := &Expr{Text: s.Value, file: f, str: s}
	e.lines = []int{0}
	n := 0
	for _, r := range s.Value {
		n++
		if r == '\n' {
			e.lines = append(e.lines, n)
		}
	}
	return e
}

func (e *Expr) scalarMap() *source.ScalarMap {
	if e.smap == nil && e.str.Node != nil {
		e.smap = e.file.MapScalar(e.str.Node)
	}
	return e.smap
}

// offset converts a CEL location (1-based line, 0-based column in code
// points) to a code point offset into Text.
func (e *Expr) offset(line, col int) int {
	if line < 1 {
		line = 1
	}
	if line > len(e.lines) {
		line = len(e.lines)
	}
	return e.lines[line-1] + col
}

// Span returns the file range of code points [from, to) of Text.
func (e *Expr) Span(from, to int) source.Range {
	m := e.scalarMap()
	if m == nil {
		return e.str.Where()
	}
	return m.Range(from, to)
}

// Whole is the range of the whole expression.
func (e *Expr) Whole() source.Range {
	return e.Span(0, utf8.RuneCountInString(e.Text))
}

// ErrorRange returns where a CEL issue points, narrowed to the offending
// token: the field name of a select ("undefined field 'nope'" points at
// nope), or the node the checker names.
func (e *Expr) ErrorRange(err *common.Error, checked *cel.Ast) source.Range {
	if err.Location == nil || err.Location.Line() < 1 || err.Location.Column() < 0 {
		// Some macro errors ("argument must be a simple name") carry no
		// location; the whole expression is the best place to point at
		// (found by FuzzCELPositions: it pointed at a block's header).
		return e.Whole()
	}
	from := e.offset(err.Location.Line(), err.Location.Column())
	to := from + 1
	if checked != nil && err.ExprID != 0 {
		if r, ok := checked.NativeRep().SourceInfo().GetOffsetRange(err.ExprID); ok && r.Stop > r.Start {
			from, to = int(r.Start), int(r.Stop)
		}
	}
	if name, ok := quotedName(err.Message, "undefined field '"); ok {
		if i := e.find(name, from); i >= 0 {
			return e.Span(i, i+utf8.RuneCountInString(name))
		}
	}
	// A call's location is its opening parenthesis, and the message names
	// the function: date("2026-01-31") is to be marked at date, not four
	// columns on. Operators ('_>_') are marked where they are.
	name, ok := quotedName(err.Message, "undeclared reference to '")
	if !ok {
		name, ok = quotedName(err.Message, "found no matching overload for '")
	}
	if ok && name != "" && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, "@") {
		name = name[strings.LastIndexByte(name, '.')+1:]
		if i := e.findBefore(name, from); i >= 0 {
			return e.Span(i, i+utf8.RuneCountInString(name))
		}
	}
	return e.Span(from, to)
}

// Token returns the token of Text where a parser error points: a name,
// a run of operator characters or one other character; "" at the end of
// the text. The Pratt parser's "unexpected token" does not say which.
func (e *Expr) Token(err *common.Error) string {
	if err.Location == nil || err.Location.Line() < 1 || err.Location.Column() < 0 {
		return ""
	}
	if e.runes == nil {
		e.runes = []rune(e.Text)
	}
	from := e.offset(err.Location.Line(), err.Location.Column())
	if from >= len(e.runes) {
		return ""
	}
	to := from + 1
	switch r := e.runes[from]; {
	case isIdent(r):
		for to < len(e.runes) && isIdent(e.runes[to]) {
			to++
		}
	case strings.ContainsRune(operatorChars, r):
		for to < len(e.runes) && strings.ContainsRune(operatorChars, e.runes[to]) {
			to++
		}
	}
	return string(e.runes[from:to])
}

const operatorChars = "=!<>&|+-*/%"

// NodeRange returns the file range of an expression node of checked.
func (e *Expr) NodeRange(checked *ast.AST, id int64) source.Range {
	info := checked.SourceInfo()
	if r, ok := info.GetOffsetRange(id); ok && r.Stop >= r.Start {
		return e.Span(int(r.Start), max(int(r.Stop), int(r.Start)+1))
	}
	loc := info.GetStartLocation(id)
	from := e.offset(loc.Line(), loc.Column())
	return e.Span(from, from+1)
}

// SelectFieldRange is the range of the field name of a select node
// (fields.urgency → urgency).
func (e *Expr) SelectFieldRange(checked *ast.AST, id int64, field string) source.Range {
	r, ok := checked.SourceInfo().GetOffsetRange(id)
	if ok {
		if i := e.find(field, int(r.Start)); i >= 0 {
			return e.Span(i, i+utf8.RuneCountInString(field))
		}
	}
	return e.NodeRange(checked, id)
}

// find returns the code point offset of the first whole-word occurrence of
// name at or after from, or -1.
func (e *Expr) find(name string, from int) int {
	if e.runes == nil {
		e.runes = []rune(e.Text)
	}
	runes, target := e.runes, []rune(name)
	for i := max(from, 0); i+len(target) <= len(runes); i++ {
		if !slices.Equal(runes[i:i+len(target)], target) {
			continue
		}
		before := i == 0 || !isIdent(runes[i-1])
		after := i+len(target) == len(runes) || !isIdent(runes[i+len(target)])
		if before && after {
			return i
		}
	}
	return -1
}

// findBefore returns the code point offset of the last whole-word
// occurrence of name that starts at or before at, or -1.
func (e *Expr) findBefore(name string, at int) int {
	best := -1
	for i := e.find(name, 0); i >= 0 && i <= at; i = e.find(name, i+1) {
		best = i
	}
	return best
}

func isIdent(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func quotedName(msg, prefix string) (string, bool) {
	i := strings.Index(msg, prefix)
	if i < 0 {
		return "", false
	}
	rest := msg[i+len(prefix):]
	j := strings.IndexByte(rest, '\'')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}
