package celgo_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/celgo"
)

// fields has one field of every kind the translation reads.
var fields = []celenv.Field{
	{Name: "kind", Type: celenv.Enum},
	{Name: "notes", Type: celenv.Text},
	{Name: "income", Type: celenv.Number},
	{Name: "rooms", Type: celenv.Integer},
	{Name: "home", Type: celenv.Boolean},
	{Name: "day", Type: celenv.Date},
	{Name: "at", Type: celenv.DateTime},
	{Name: "tags", Type: celenv.ListKind, Items: celenv.Enum},
	{Name: "counts", Type: celenv.ListKind, Items: celenv.Integer},
	{Name: "scores", Type: celenv.ListKind, Items: celenv.Number},
}

// handWritten covers every construct of the subset, and a few outside it
// that must be refused.
var handWritten = []struct {
	expr       string
	translated bool
}{
	{`fields.kind == "leak"`, true},
	{`fields.kind != "leak" && has(fields.notes)`, true},
	{`has(fields.income) && fields.income > 50000`, true},
	{`fields.rooms >= 3 || fields.income < 2.5`, true},
	{`!fields.home`, true},
	{`fields.home ? fields.rooms > 1 : fields.rooms < 1`, true},
	{`"gas" in fields.tags`, true},
	{`fields.kind in ["leak", "flood"]`, true},
	{`3 in fields.counts`, true},
	{`fields.income in fields.scores`, true},
	{`size(fields.notes) > 3 && fields.notes.size() < 100`, true},
	{`size(fields.tags) == 0`, true},
	{`fields.notes.contains("flood") || fields.notes.startsWith("gas") || fields.notes.endsWith("now")`, true},
	{`fields.notes.matches("^[a-z ]+$")`, true},
	{`fields.notes.lowerAscii().contains("leak") && fields.kind.upperAscii() == "LEAK"`, true},
	{`fields.at < timestamp("2026-01-01T00:00:00Z")`, true},
	{`fields.day < "2026-06-01"`, true},
	{`call.direction == "outbound" && call.duration_s > 60`, true},
	{`call.started_at > timestamp("2025-01-01T00:00:00Z")`, true},
	{`workflow.id + ":" + call.id == "w:c"`, true},
	{`fields.rooms + 9223372036854775807 > 0`, true},
	{`fields.income + 0.5 > 1.0`, true},
	{`fields.tags == ["gas"]`, true},
	{`fields.home == true`, true},
	{`false < fields.home`, true},
	{`fields.tags.exists(t, t == "gas")`, false},
	{`fields.?notes.orValue("") == ""`, false},
	{`fields.rooms * 2 > 3`, false},
	{`fields.notes.matches(fields.kind)`, false},
	{`{"a": 1}["a"] == fields.rooms`, false},
}

func env(t testing.TB) *celenv.Env {
	t.Helper()
	e, err := celenv.New(fields)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func check(t testing.TB, e *celenv.Env, expr string) *cel.Ast {
	t.Helper()
	ast, iss := e.CEL.Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", expr, iss.Err())
	}
	return ast
}

func TestTranslatesTheSubset(t *testing.T) {
	e := env(t)
	for _, c := range handWritten {
		if _, ok := celgo.Compile(check(t, e, c.expr)); ok != c.translated {
			t.Errorf("%s: translated %v, want %v", c.expr, ok, c.translated)
		}
	}
}

// TestAgreesWithInterpreter is the differential test: hand-written and
// random expressions, evaluated on random values by the translation and
// by cel-go, must give the same value, or both an error.
func TestAgreesWithInterpreter(t *testing.T) {
	e := env(t)
	r := rand.New(rand.NewPCG(1, 2))
	exprs := make([]string, 0, 2000)
	for _, c := range handWritten {
		if c.translated {
			exprs = append(exprs, c.expr)
		}
	}
	g := &generator{r: r}
	for len(exprs) < cap(exprs) {
		exprs = append(exprs, g.boolExpr(3))
	}
	translated := 0
	for _, expr := range exprs {
		ast, iss := e.CEL.Compile(expr)
		if iss.Err() != nil {
			t.Fatalf("the generator wrote an expression that does not check: %s: %v", expr, iss.Err())
		}
		fast, ok := celgo.Compile(ast)
		if !ok {
			continue
		}
		translated++
		prg, err := e.CEL.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			act := randomActivation(r)
			got, gotErr := fast(act)
			ref, _, refErr := prg.Eval(celenv.Activation(act.Fields, act.Call.Values(), act.WorkflowID))
			if (gotErr != nil) != (refErr != nil) {
				t.Fatalf("%s\n on %v\n translated: %v, %v\n cel-go:     %v, %v", expr, act.Fields, got, gotErr, ref, refErr)
			}
			if refErr == nil && !same(got, ref.Value()) {
				t.Fatalf("%s\n on %v\n translated: %#v\n cel-go:     %#v", expr, act.Fields, got, ref.Value())
			}
		}
	}
	// The generator draws mostly from the subset; if this drops, the
	// test stopped testing the translation.
	if translated < len(exprs)*9/10 {
		t.Errorf("only %d of %d expressions were translated", translated, len(exprs))
	}
}

func same(got, want any) bool {
	if g, ok := got.(float64); ok {
		w, ok := want.(float64)
		return ok && (g == w || math.IsNaN(g) && math.IsNaN(w))
	}
	return reflect.DeepEqual(got, want)
}

var (
	texts  = []string{"", "leak", "Leak", "gas", "flood now", "basement flood", "é"}
	ints   = []int64{-1, 0, 1, 3, 20, 21, math.MaxInt64}
	floats = []float64{-1, 0, 0.5, 1, 2.5, 3, 20.5, 50001, math.Inf(1), math.NaN()}
	times  = []time.Time{
		time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 1, 12, 30, 0, 0, time.UTC),
	}
	days = []string{"2025-12-31", "2026-01-01", "2026-06-01"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// randomActivation sets each field with probability 3/4, with values
// drawn from small sets so that comparisons are often equal.
func randomActivation(r *rand.Rand) *celgo.Activation {
	v := celenv.Values{}
	maybe := func(name string, x func() any) {
		if r.IntN(4) > 0 {
			v[name] = x()
		}
	}
	maybe("kind", func() any { return pick(r, []string{"leak", "flood", "other"}) })
	maybe("notes", func() any { return pick(r, texts) })
	maybe("income", func() any { return pick(r, floats) })
	maybe("rooms", func() any { return pick(r, ints) })
	maybe("home", func() any { return r.IntN(2) == 0 })
	maybe("day", func() any { return pick(r, days) })
	maybe("at", func() any { return pick(r, times) })
	maybe("tags", func() any { return list(r, func() any { return pick(r, []string{"gas", "water", "noise"}) }) })
	maybe("counts", func() any { return list(r, func() any { return pick(r, ints) }) })
	maybe("scores", func() any { return list(r, func() any { return pick(r, floats) }) })
	return &celgo.Activation{
		Fields: v,
		Call: &celenv.Call{
			ID: pick(r, []string{"c", "call_1"}), Provider: "retell", Status: "completed",
			Direction: pick(r, []string{"inbound", "outbound"}), From: "+15550100", To: "+15550199",
			StartedAt: pick(r, times), DurationS: pick(r, []int64{0, 61, 600}),
		},
		WorkflowID: pick(r, []string{"w", "intake"}),
	}
}

func list(r *rand.Rand, item func() any) []any {
	out := make([]any, r.IntN(4))
	for i := range out {
		out[i] = item()
	}
	return out
}

// generator writes random well-typed expressions over fields and call.
type generator struct{ r *rand.Rand }

func (g *generator) boolExpr(depth int) string {
	if depth == 0 {
		return g.boolLeaf()
	}
	switch g.r.IntN(7) {
	case 0:
		return fmt.Sprintf("(%s && %s)", g.boolExpr(depth-1), g.boolExpr(depth-1))
	case 1:
		return fmt.Sprintf("(%s || %s)", g.boolExpr(depth-1), g.boolExpr(depth-1))
	case 2:
		return "!(" + g.boolExpr(depth-1) + ")"
	case 3:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolExpr(depth-1), g.boolExpr(depth-1), g.boolExpr(depth-1))
	}
	return g.boolLeaf()
}

func (g *generator) boolLeaf() string {
	ops := []string{"==", "!=", "<", "<=", ">", ">="}
	op := pick(g.r, ops)
	switch g.r.IntN(12) {
	case 0:
		return "has(fields." + pick(g.r, []string{"kind", "notes", "income", "rooms", "home", "at", "tags"}) + ")"
	case 1:
		// == and != need one numeric type on both sides; the ordering
		// operators compare across int and double.
		l, lInt := g.number()
		r, rInt := g.number()
		for (op == "==" || op == "!=") && lInt != rInt {
			r, rInt = g.number()
		}
		return fmt.Sprintf("%s %s %s", l, op, r)
	case 2:
		return fmt.Sprintf("%s %s %s", g.text(), op, g.text())
	case 3:
		return fmt.Sprintf("fields.at %s %s", op, pick(g.r, []string{"call.started_at", `timestamp("2026-01-01T00:00:00Z")`}))
	case 4:
		return fmt.Sprintf("%s in fields.tags", g.text())
	case 5:
		if n, isInt := g.number(); isInt {
			return fmt.Sprintf("%s in %s", n, pick(g.r, []string{"fields.counts", "[1, 3, 20]"}))
		} else {
			return fmt.Sprintf("%s in %s", n, pick(g.r, []string{"fields.scores", "[0.5, 3.0]"}))
		}
	case 6:
		return fmt.Sprintf("%s.%s(%s)", g.text(), pick(g.r, []string{"contains", "startsWith", "endsWith"}), g.text())
	case 7:
		return fmt.Sprintf("fields.home %s %s", pick(g.r, ops[:2]), pick(g.r, []string{"true", "false", "fields.home"}))
	case 8:
		return fmt.Sprintf("fields.day %s %q", op, pick(g.r, days))
	case 9:
		return fmt.Sprintf("fields.tags %s %s", pick(g.r, ops[:2]), pick(g.r, []string{"[]", `["gas"]`, `["gas", "water"]`}))
	case 10:
		return fmt.Sprintf("%s.matches(%q)", g.text(), pick(g.r, []string{"^[a-z]+$", "flood", "(?i)LEAK"}))
	}
	return "fields.home"
}

// number returns a numeric expression and whether it is an int.
func (g *generator) number() (string, bool) {
	switch g.r.IntN(9) {
	case 0:
		return "fields.income", false
	case 1:
		return "fields.rooms", true
	case 2:
		return "call.duration_s", true
	case 3:
		return fmt.Sprint(pick(g.r, ints[:6])), true
	case 4:
		return pick(g.r, []string{"0.5", "3.0", "20.5", "-1.0"}), false
	case 5:
		return "size(" + pick(g.r, []string{"fields.notes", "fields.tags", "fields.counts"}) + ")", true
	case 6:
		return fmt.Sprintf("(fields.rooms + %d)", pick(g.r, ints)), true
	case 7:
		return "(fields.income + 0.5)", false
	}
	return "fields.rooms", true
}

func (g *generator) text() string {
	switch g.r.IntN(8) {
	case 0:
		return "fields.kind"
	case 1:
		return "fields.notes"
	case 2:
		return fmt.Sprintf("%q", pick(g.r, texts))
	case 3:
		return "fields.notes." + pick(g.r, []string{"lowerAscii()", "upperAscii()"})
	case 4:
		return "(fields.kind + " + fmt.Sprintf("%q", pick(g.r, texts)) + ")"
	case 5:
		return "call." + pick(g.r, []string{"direction", "id", "provider"})
	case 6:
		return "workflow.id"
	}
	return "fields.notes"
}

// TestCallGettersCoverCallFields keeps the call object's struct and its
// declared CEL members in step.
func TestCallGettersCoverCallFields(t *testing.T) {
	for _, cf := range celenv.CallFields {
		if celenv.CallGetter(cf.Name) == nil {
			t.Errorf("call.%s is declared but celenv.Call has no getter for it", cf.Name)
		}
	}
	if n := len((&celenv.Call{}).Values()); n != len(celenv.CallFields) {
		t.Errorf("the call object has %d members, CallFields declares %d", n, len(celenv.CallFields))
	}
	if !strings.Contains(fmt.Sprint(celenv.CallFields), "started_at") {
		t.Error("CallFields lost started_at")
	}
}

func BenchmarkTranslated(b *testing.B) {
	e := env(b)
	fast, ok := celgo.Compile(check(b, e, handWritten[2].expr))
	if !ok {
		b.Fatal("not translated")
	}
	act := randomActivation(rand.New(rand.NewPCG(1, 1)))
	act.Fields["income"] = 60000.0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fast(act); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInterpreted(b *testing.B) {
	e := env(b)
	prg, err := e.CEL.Program(check(b, e, handWritten[2].expr), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		b.Fatal(err)
	}
	act := randomActivation(rand.New(rand.NewPCG(1, 1)))
	act.Fields["income"] = 60000.0
	vars := celenv.Activation(act.Fields, act.Call.Values(), act.WorkflowID)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := prg.Eval(vars); err != nil {
			b.Fatal(err)
		}
	}
}
