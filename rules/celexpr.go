package rules

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"

	"github.com/callspec/callspec/compiler/celpos"
	"github.com/callspec/callspec/compiler/ir"
)

// fieldRead is one read of the `fields` variable: fields.x, has(fields.x)
// or fields.?x.
type fieldRead struct {
	// ID is the expression node of the read.
	ID   int64
	Name string
	// TestOnly marks has(fields.x), which tests presence without reading.
	TestOnly bool
	// Optional marks fields.?x, which yields an optional value instead of
	// failing when x is absent.
	Optional bool
}

// forEachChild calls fn on each direct child of e. shadowed says whether
// the name `fields` is a comprehension variable rather than the workflow's
// fields at e; fn receives the same for the child, so that
// `[1].exists(fields, fields > 0)` is not mistaken for a read of fields.
func forEachChild(e ast.Expr, shadowed bool, fn func(child ast.Expr, shadowed bool)) {
	switch e.Kind() {
	case ast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			fn(c.Target(), shadowed)
		}
		for _, a := range c.Args() {
			fn(a, shadowed)
		}
	case ast.SelectKind:
		fn(e.AsSelect().Operand(), shadowed)
	case ast.ListKind:
		for _, el := range e.AsList().Elements() {
			fn(el, shadowed)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			if en.Kind() == ast.MapEntryKind {
				fn(en.AsMapEntry().Key(), shadowed)
				fn(en.AsMapEntry().Value(), shadowed)
			}
		}
	case ast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			if f.Kind() == ast.StructFieldKind {
				fn(f.AsStructField().Value(), shadowed)
			}
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		fn(c.IterRange(), shadowed)
		fn(c.AccuInit(), shadowed)
		inner := shadowed || c.IterVar() == "fields" || c.AccuVar() == "fields" || (c.HasIterVar2() && c.IterVar2() == "fields")
		fn(c.LoopCondition(), inner)
		fn(c.LoopStep(), inner)
		fn(c.Result(), inner)
	}
}

// isVariable reports whether e is the identifier name of a top-level
// variable (fields, call, workflow) at a place where it is not shadowed.
func isVariable(e ast.Expr, name string, shadowed bool) bool {
	if e.Kind() != ast.IdentKind || e.AsIdent() != name {
		return false
	}
	return name != "fields" || !shadowed
}

// asFieldRead recognises a read of a declared field at e.
func asFieldRead(e ast.Expr, shadowed bool) (fieldRead, bool) {
	switch e.Kind() {
	case ast.SelectKind:
		s := e.AsSelect()
		if isVariable(s.Operand(), "fields", shadowed) {
			return fieldRead{ID: e.ID(), Name: s.FieldName(), TestOnly: s.IsTestOnly()}, true
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.FunctionName() != operators.OptSelect || len(c.Args()) != 2 || !isVariable(c.Args()[0], "fields", shadowed) {
			break
		}
		if name, ok := stringLiteral(c.Args()[1]); ok {
			return fieldRead{ID: e.ID(), Name: name, Optional: true}, true
		}
	}
	return fieldRead{}, false
}

// fieldReads lists every read of the fields variable in a, in pre-order,
// which is source order for the expressions callspec accepts.
func fieldReads(a *ast.AST) []fieldRead {
	var out []fieldRead
	var walk func(e ast.Expr, shadowed bool)
	walk = func(e ast.Expr, shadowed bool) {
		if r, ok := asFieldRead(e, shadowed); ok {
			out = append(out, r)
		}
		forEachChild(e, shadowed, walk)
	}
	walk(a.Expr(), false)
	return out
}

// readsField reports whether a reads field name in any way.
func readsField(a *ast.AST, name string) bool {
	for _, r := range fieldReads(a) {
		if r.Name == name {
			return true
		}
	}
	return false
}

// readsUntyped reports whether a reads a field whose type did not check,
// which CEL declares as dyn: what the expression costs or means is
// decided once the type is fixed, and field-type already says so.
func readsUntyped(p *Pass, a *ast.AST) bool {
	for _, r := range fieldReads(a) {
		if _, typed := p.IR.Field(r.Name); !typed {
			return true
		}
	}
	return false
}

func stringLiteral(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

// checkedWhen pairs a handoff rule whose `when` parsed with the position
// map of its expression.
type checkedWhen struct {
	Index int
	Rule  *ir.HandoffRule
	AST   *ast.AST
	Pos   *celpos.Expr
}

// checkedRules returns the handoff rules whose `when` type-checked; rules
// that did not are reported by cel-syntax or cel-type.
func (p *Pass) checkedRules() []checkedWhen {
	return p.handoffTrees(false)
}

// parsedRules returns the handoff rules whose `when` parsed, with the
// checked tree when it type-checked and the parsed one otherwise: rules
// that look only at the shape of an expression report in the same run as
// its type errors, so that fixing a spec does not take a round per rule.
func (p *Pass) parsedRules() []checkedWhen {
	return p.handoffTrees(true)
}

func (p *Pass) handoffTrees(parsed bool) []checkedWhen {
	var out []checkedWhen
	if p.IR == nil {
		return nil
	}
	for i := range p.IR.Handoff {
		r := &p.IR.Handoff[i]
		if i >= len(p.When) || p.When[i] == nil {
			continue
		}
		a := r.Checked
		if a == nil && parsed && i < len(p.WhenParsed) {
			a = p.WhenParsed[i]
		}
		if a == nil {
			continue
		}
		out = append(out, checkedWhen{Index: i, Rule: r, AST: a.NativeRep(), Pos: p.When[i]})
	}
	return out
}
