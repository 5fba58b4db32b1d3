package rules

import (
	"maps"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"

	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "unguarded-optional",
		Severity: diag.Warning,
		Summary:  "a handoff rule reads an optional field without a has() guard",
		Doc: `
An optional field is absent when the call did not produce it. Reading an
absent field in CEL is an error, and a handoff rule whose expression fails
cannot be decided: unless a later rule is true, the call is handed to a
person as incomplete_call, with the rule in undecided_rules. That is safe,
but it is rarely what the author meant: a rule such as
fields.income < 30000 would send every caller who skipped the question to
a person.

Guard the read so the rule says what should happen when the field is
absent:

- has(fields.x) && fields.x > 1        (false when absent)
- !has(fields.x) || fields.x > 1       (true when absent)
- has(fields.x) ? fields.x > 1 : false
- fields.?x.orValue(0) > 1             (a default when absent)

A guard counts when it must hold for the read to matter: a conjunct of the
same &&, a negated disjunct of the same ||, or the condition of ?:. CEL's
&& and || ignore an error on one side when the other side decides the
result, so the guard may stand on either side. Required fields need no
guard: a call without them is incomplete anyway, and a rule that reads
one is undecided unless the rest of it decides.

Bad:

    fields:
      annual_income: {type: number}
    handoff:
      - reason: low_income
        when: fields.annual_income < 30000

Good:

    when: has(fields.annual_income) && fields.annual_income < 30000
`,
		Check: func(p *Pass) {
			for _, w := range p.checkedRules() {
				g := &guardWalk{p: p, w: w}
				g.walk(w.AST.Expr(), false, nil)
			}
		},
	})
}

// guardWalk finds the reads of optional fields that no has() guard
// dominates in one expression.
type guardWalk struct {
	p *Pass
	w checkedWhen
}

// guarded is the set of fields known to be present where an expression is
// evaluated.
type guarded map[string]bool

func (g guarded) with(more guarded) guarded {
	if len(more) == 0 {
		return g
	}
	out := maps.Clone(g)
	if out == nil {
		out = guarded{}
	}
	maps.Copy(out, more)
	return out
}

func (g *guardWalk) walk(e ast.Expr, shadowed bool, known guarded) {
	if r, ok := asFieldRead(e, shadowed); ok {
		if !r.TestOnly && !r.Optional && !known[r.Name] && g.optional(r.Name) {
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
			// other disjuncts are false.
			want := c.FunctionName() == operators.LogicalAnd
			ops := flatten(e, c.FunctionName())
			for i, op := range ops {
				facts := guarded{}
				for j, other := range ops {
					if j != i {
						maps.Copy(facts, presentWhen(other, want, shadowed))
					}
				}
				g.walk(op, shadowed, known.with(facts))
			}
			return
		case operators.Conditional:
			if args := c.Args(); len(args) == 3 {
				g.walk(args[0], shadowed, known)
				g.walk(args[1], shadowed, known.with(presentWhen(args[0], true, shadowed)))
				g.walk(args[2], shadowed, known.with(presentWhen(args[0], false, shadowed)))
				return
			}
		}
	}
	forEachChild(e, shadowed, func(child ast.Expr, sh bool) { g.walk(child, sh, known) })
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

// presentWhen returns the fields that must be present when e evaluates to
// value: has(fields.x) is true, fields.?x.hasValue() is true, and what
// follows from !, && and || around them.
func presentWhen(e ast.Expr, value bool, shadowed bool) guarded {
	if r, ok := asFieldRead(e, shadowed); ok && r.TestOnly {
		if value {
			return guarded{r.Name: true}
		}
		return nil
	}
	if e.Kind() != ast.CallKind {
		return nil
	}
	c := e.AsCall()
	switch c.FunctionName() {
	case operators.LogicalNot:
		if len(c.Args()) == 1 {
			return presentWhen(c.Args()[0], !value, shadowed)
		}
	case operators.LogicalAnd, operators.LogicalOr:
		// All conjuncts are true when && is true; all disjuncts are
		// false when || is false.
		if (c.FunctionName() == operators.LogicalAnd) != value {
			return nil
		}
		out := guarded{}
		for _, op := range flatten(e, c.FunctionName()) {
			maps.Copy(out, presentWhen(op, value, shadowed))
		}
		return out
	case "hasValue":
		if c.IsMemberFunction() && value {
			if r, ok := asFieldRead(c.Target(), shadowed); ok && r.Optional {
				return guarded{r.Name: true}
			}
		}
	}
	return nil
}
