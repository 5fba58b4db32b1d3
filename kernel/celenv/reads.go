package celenv

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
)

// Which fields a CEL expression reads is decided here, once: the rules
// (unguarded-optional, cel-cost, unused-field, idempotency-key, …) and the
// docs page's rules in words read the same walk, so a comprehension
// variable named fields is never taken for the workflow's fields by one
// and not the other.

// FieldRead is one read of the `fields` variable: fields.x, has(fields.x)
// or fields.?x.
type FieldRead struct {
	// ID is the expression node of the read.
	ID   int64
	Name string
	// TestOnly marks has(fields.x), which tests presence without reading.
	TestOnly bool
	// Optional marks fields.?x, which yields an optional value instead of
	// failing when x is absent.
	Optional bool
}

// ForEachChild calls fn on each direct child of e. shadowed says whether
// the name `fields` is a comprehension variable rather than the workflow's
// fields at e; fn receives the same for the child, so that
// `[1].exists(fields, fields > 0)` is not mistaken for a read of fields.
func ForEachChild(e ast.Expr, shadowed bool, fn func(child ast.Expr, shadowed bool)) {
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

// IsVariable reports whether e is the identifier name of a top-level
// variable (fields, call, workflow) at a place where it is not shadowed.
func IsVariable(e ast.Expr, name string, shadowed bool) bool {
	if e.Kind() != ast.IdentKind || e.AsIdent() != name {
		return false
	}
	return name != "fields" || !shadowed
}

// AsFieldRead recognises a read of a declared field at e.
func AsFieldRead(e ast.Expr, shadowed bool) (FieldRead, bool) {
	switch e.Kind() {
	case ast.SelectKind:
		s := e.AsSelect()
		if IsVariable(s.Operand(), "fields", shadowed) {
			return FieldRead{ID: e.ID(), Name: s.FieldName(), TestOnly: s.IsTestOnly()}, true
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.FunctionName() != operators.OptSelect || len(c.Args()) != 2 || !IsVariable(c.Args()[0], "fields", shadowed) {
			break
		}
		if name, ok := stringLiteral(c.Args()[1]); ok {
			return FieldRead{ID: e.ID(), Name: name, Optional: true}, true
		}
	}
	return FieldRead{}, false
}

// FieldReads lists every read of the fields variable in a, in pre-order,
// which is source order for the expressions callspec accepts.
func FieldReads(a *ast.AST) []FieldRead {
	var out []FieldRead
	var walk func(e ast.Expr, shadowed bool)
	walk = func(e ast.Expr, shadowed bool) {
		if r, ok := AsFieldRead(e, shadowed); ok {
			out = append(out, r)
		}
		ForEachChild(e, shadowed, walk)
	}
	walk(a.Expr(), false)
	return out
}

// stringLiteral is the value of a string literal.
func stringLiteral(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}
