package rules

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.UnguardedOptional.Rule(),
		Check: func(p *Pass) {
			for _, w := range p.parsedRules() {
				g := &guardWalk{p: p, w: w, known: map[string]int{}}
				g.walk(w.AST.Expr(), false)
			}
		},
	})
}

// guardWalk finds the reads of optional fields that no has() guard
// dominates in one expression.
type guardWalk struct {
	p *Pass
	w checkedWhen
	// known counts, for each field, the guards that hold wherever the
	// walk is: the field is known to be present when its count is above
	// zero. Guards are counted in on the way down and out on the way
	// back, so that a chain of n operands, each guarding the others, costs
	// n steps rather than a set of n-1 fields copied for each operand
	// (which made a 100,000-character rule take seconds).
	known map[string]int
}

func (g *guardWalk) add(names []string, delta int) {
	for _, n := range names {
		g.known[n] += delta
	}
}

func (g *guardWalk) walk(e ast.Expr, shadowed bool) {
	if r, ok := celenv.AsFieldRead(e, shadowed); ok {
		if !r.TestOnly && !r.Optional && g.known[r.Name] == 0 && g.optional(r.Name) {
			g.p.Report(g.w.Pos.SelectFieldRange(g.w.AST, r.ID, r.Name),
				"field %q is optional, but this reads it without checking has(fields.%[1]s) first; when a call lacks it the rule fails and the call goes to a person. Guard it with has(fields.%[1]s) && …, or use fields.?%[1]s.orValue(…)", r.Name)
		}
		return
	}
	if e.Kind() == ast.CallKind {
		c := e.AsCall()
		switch c.FunctionName() {
		case operators.LogicalAnd, operators.LogicalOr:
			// Each operand is evaluated where the others have not
			// decided the result: the other conjuncts are true, or the
			// other disjuncts are false. Every operand's guards are
			// counted in, and each operand's own are taken out while
			// it is walked.
			want := c.FunctionName() == operators.LogicalAnd
			ops := flatten(e, c.FunctionName())
			facts := make([][]string, len(ops))
			for i, op := range ops {
				facts[i] = presentWhen(op, want, shadowed, nil)
				g.add(facts[i], 1)
			}
			for i, op := range ops {
				g.add(facts[i], -1)
				g.walk(op, shadowed)
				g.add(facts[i], 1)
			}
			for _, f := range facts {
				g.add(f, -1)
			}
			return
		case operators.Conditional:
			if args := c.Args(); len(args) == 3 {
				g.walk(args[0], shadowed)
				for i, value := range []bool{true, false} {
					facts := presentWhen(args[0], value, shadowed, nil)
					g.add(facts, 1)
					g.walk(args[1+i], shadowed)
					g.add(facts, -1)
				}
				return
			}
		}
	}
	celenv.ForEachChild(e, shadowed, g.walk)
}

func (g *guardWalk) optional(name string) bool {
	f, ok := g.p.IR.Field(name)
	return ok && !f.Required
}

// flatten returns the operands of a chain of the same logical operator.
func flatten(e ast.Expr, fn string) []ast.Expr {
	if e.Kind() != ast.CallKind || e.AsCall().FunctionName() != fn {
		return []ast.Expr{e}
	}
	var out []ast.Expr
	for _, a := range e.AsCall().Args() {
		out = append(out, flatten(a, fn)...)
	}
	return out
}

// presentWhen appends to out the fields that must be present when e
// evaluates to value: has(fields.x) is true, fields.?x.hasValue() is true,
// and what follows from !, && and || around them. A field may be listed
// more than once.
func presentWhen(e ast.Expr, value bool, shadowed bool, out []string) []string {
	if r, ok := celenv.AsFieldRead(e, shadowed); ok && r.TestOnly {
		if value {
			out = append(out, r.Name)
		}
		return out
	}
	if e.Kind() != ast.CallKind {
		return out
	}
	c := e.AsCall()
	switch c.FunctionName() {
	case operators.LogicalNot:
		if len(c.Args()) == 1 {
			return presentWhen(c.Args()[0], !value, shadowed, out)
		}
	case operators.LogicalAnd, operators.LogicalOr:
		// All conjuncts are true when && is true; all disjuncts are
		// false when || is false.
		if (c.FunctionName() == operators.LogicalAnd) != value {
			return out
		}
		for _, op := range flatten(e, c.FunctionName()) {
			out = presentWhen(op, value, shadowed, out)
		}
	case "hasValue":
		if c.IsMemberFunction() && value {
			if r, ok := celenv.AsFieldRead(c.Target(), shadowed); ok && r.Optional {
				out = append(out, r.Name)
			}
		}
	}
	return out
}
