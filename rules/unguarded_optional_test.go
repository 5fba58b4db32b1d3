package rules

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
)

// quadraticGuards is unguarded-optional's walk as it was before guards
// were counted: each operand of a chain got a new set holding the guards
// of every other operand. It is kept as the reference that the counting
// walk must agree with; it returns where each unguarded read is.
type quadraticGuards struct {
	p   *Pass
	w   checkedWhen
	out []source.Range
}

type guardSet map[string]bool

func (g guardSet) with(more guardSet) guardSet {
	if len(more) == 0 {
		return g
	}
	out := maps.Clone(g)
	if out == nil {
		out = guardSet{}
	}
	maps.Copy(out, more)
	return out
}

func (g *quadraticGuards) walk(e ast.Expr, shadowed bool, known guardSet) {
	if r, ok := celenv.AsFieldRead(e, shadowed); ok {
		if f, ok := g.p.IR.Field(r.Name); ok && !f.Required && !r.TestOnly && !r.Optional && !known[r.Name] {
			g.out = append(g.out, g.w.Pos.SelectFieldRange(g.w.AST, r.ID, r.Name))
		}
		return
	}
	if e.Kind() == ast.CallKind {
		c := e.AsCall()
		switch c.FunctionName() {
		case operators.LogicalAnd, operators.LogicalOr:
			want := c.FunctionName() == operators.LogicalAnd
			ops := flatten(e, c.FunctionName())
			for i, op := range ops {
				facts := guardSet{}
				for j, other := range ops {
					if j != i {
						maps.Copy(facts, quadraticPresentWhen(other, want, shadowed))
					}
				}
				g.walk(op, shadowed, known.with(facts))
			}
			return
		case operators.Conditional:
			if args := c.Args(); len(args) == 3 {
				g.walk(args[0], shadowed, known)
				g.walk(args[1], shadowed, known.with(quadraticPresentWhen(args[0], true, shadowed)))
				g.walk(args[2], shadowed, known.with(quadraticPresentWhen(args[0], false, shadowed)))
				return
			}
		}
	}
	celenv.ForEachChild(e, shadowed, func(child ast.Expr, sh bool) { g.walk(child, sh, known) })
}

func quadraticPresentWhen(e ast.Expr, value bool, shadowed bool) guardSet {
	out := guardSet{}
	for _, name := range presentWhen(e, value, shadowed, nil) {
		out[name] = true
	}
	return out
}

// randomGuardExpr is a random handoff rule over the optional fields a and
// b and the required field r: reads, has() guards, fields.? forms,
// comprehensions (one of which shadows fields), and !, &&, ||, ?: around
// them.
func randomGuardExpr(rnd *rand.Rand, depth int) string {
	atoms := []string{
		`has(fields.a)`, `has(fields.b)`, `fields.a == "x"`, `fields.b == "y"`, `fields.r == "z"`,
		`fields.?a.hasValue()`, `fields.?b.orValue("") == "y"`, `true`, `false`,
		`["x"].exists(v, has(fields.a) && fields.a == v)`, `["y"].all(v, fields.b != v)`,
		`[1].exists(fields, fields > 0)`, `fields.a.size() > 1`,
	}
	if depth == 0 || rnd.IntN(4) == 0 {
		return atoms[rnd.IntN(len(atoms))]
	}
	sub := func() string { return randomGuardExpr(rnd, depth-1) }
	switch rnd.IntN(5) {
	case 0:
		return "!(" + sub() + ")"
	case 1:
		return "(" + sub() + " ? " + sub() + " : " + sub() + ")"
	case 2, 3:
		op := " && "
		if rnd.IntN(2) == 0 {
			op = " || "
		}
		parts := make([]string, 2+rnd.IntN(3))
		for i := range parts {
			parts[i] = sub()
		}
		return "(" + strings.Join(parts, op) + ")"
	}
	return sub()
}

// TestUnguardedOptionalAgreesWithQuadratic compares the counting walk with
// the quadratic one on random rules: the same reads must be reported, at
// the same places.
func TestUnguardedOptionalAgreesWithQuadratic(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	rule, _ := Lookup("unguarded-optional")
	reported, rulesChecked := 0, 0
	for n := range 20 {
		var b strings.Builder
		b.WriteString("callspec: 1\nworkflow: {id: guards, title: Guards, goal: Compare the walks}\n")
		b.WriteString("fields:\n  a: {type: text, max_length: 20}\n  b: {type: text, max_length: 20}\n  r: {type: text, required: true, max_length: 20}\n")
		b.WriteString("handoff:\n")
		for i := range check.MaxHandoffRules {
			fmt.Fprintf(&b, "  - reason: r%d\n    when: |-\n      %s\n", i, randomGuardExpr(rnd, 4))
		}
		s, fs := spec.Load(fmt.Sprintf("guards%d.yaml", n), []byte(b.String()))
		if s == nil {
			t.Fatalf("the generated spec does not load: %v", fs)
		}
		u, _ := check.Check(s)
		var got []diag.Finding
		p := &Pass{Unit: u, rule: rule, findings: &got, facts: &FileFacts{}}
		rule.Check(p)
		var want []source.Range
		for _, w := range p.checkedRules() {
			q := &quadraticGuards{p: p, w: w}
			q.walk(w.AST.Expr(), false, nil)
			want = append(want, q.out...)
			rulesChecked++
		}
		gotRanges := make([]source.Range, len(got))
		for i, f := range got {
			gotRanges[i] = f.Range
		}
		if !slices.Equal(gotRanges, want) {
			t.Fatalf("spec %d: the counting walk reports %v, the quadratic walk %v\n%s", n, gotRanges, want, b.String())
		}
		reported += len(got)
	}
	// The comparison means something only if most rules compiled and
	// reads were reported.
	if rulesChecked < 1500 || reported < 1000 {
		t.Fatalf("%d rules compiled and %d reads reported; the random rules do not exercise the walk", rulesChecked, reported)
	}
}

// chainUnit is a checked spec whose one rule is n times unit followed by
// tail, over the optional text field a.
func chainUnit(tb testing.TB, unit, tail string, n int) *check.Unit {
	tb.Helper()
	src := "callspec: 1\nworkflow: {id: guards, title: Guards, goal: Count the work}\n" +
		"fields:\n  a: {type: text, max_length: 20}\nhandoff:\n  - reason: chain\n    when: |-\n      " +
		strings.Repeat(unit, n) + tail + "\n"
	s, fs := spec.Load("guards.yaml", []byte(src))
	if s == nil {
		tb.Fatalf("load: %v", fs)
	}
	u, fs := check.Check(s)
	if len(fs) > 0 || u.IR.Handoff[0].Checked == nil {
		tb.Fatalf("check: %v", fs)
	}
	return u
}

// TestUnguardedOptionalIsLinear counts the bytes the rule allocates on a
// chain and on a longer one: linear work allocates in proportion to the
// length. Two walks were quadratic: copying every other operand's guards
// for each operand of a chain of has() guards, and making the expression's
// code points again to place each of a chain of unguarded reads
// (celpos.Expr.find): each allocated ten times as much on a chain 3.3
// times as long.
func TestUnguardedOptionalIsLinear(t *testing.T) {
	rule, _ := Lookup("unguarded-optional")
	for _, tc := range []struct {
		name, unit, tail string
		reported         int // per unit
	}{
		{"guards", "has(fields.a) && ", `fields.a == "x"`, 0},
		{"unguarded reads", `fields.a == "x" || `, "false", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			allocated := func(n int) uint64 {
				u := chainUnit(t, tc.unit, tc.tail, n)
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for range 10 {
					var out []diag.Finding
					rule.Check(&Pass{Unit: u, rule: rule, findings: &out, facts: &FileFacts{}})
					if len(out) != tc.reported*n {
						t.Fatalf("%d reads reported, want %d", len(out), tc.reported*n)
					}
				}
				runtime.ReadMemStats(&after)
				return after.TotalAlloc - before.TotalAlloc
			}
			// Both chains stay within the length of an expression.
			const short, long = 30, 100
			small, large := allocated(short), allocated(long)
			if float64(large) > 1.5*long/short*float64(small) {
				t.Errorf("the rule allocates %d bytes on %d operands and %d on %d: more than linear", small, short, large, long)
			}
		})
	}
}
