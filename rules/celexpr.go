package rules

import (
	"cel.dev/cel-go/common/ast"

	"github.com/callspec/callspec/compiler/celpos"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
)

// readsField reports whether a reads field name in any way.
func readsField(a *ast.AST, name string) bool {
	for _, r := range celenv.FieldReads(a) {
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
	for _, r := range celenv.FieldReads(a) {
		if _, typed := p.IR.Field(r.Name); !typed {
			return true
		}
	}
	return false
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
