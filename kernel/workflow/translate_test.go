package workflow_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// TestTranslatedDecisionsAgree runs every workflow of workflows/ and 200
// generated specs on random calls twice, once with the handoff rules
// translated to Go (kernel/celgo) and once on cel-go's interpreter: the
// decisions must be the same. It also requires every rule of workflows/
// to be translated, so that the seed workflows take the fast path.
func TestTranslatedDecisionsAgree(t *testing.T) {
	seeds, err := filepath.Glob("../../workflows/*.yaml")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	generated, err := specgen.WriteDir(t.TempDir(), 200, 7)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.RunFiles(append(seeds, generated...), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i, u := range res.Units {
		def := u.IR.Definition()
		fast, err := workflow.Compile(def)
		if err != nil {
			t.Fatalf("%s: %v", def.ID, err)
		}
		slow, err := workflow.CompileInterpreted(def)
		if err != nil {
			t.Fatal(err)
		}
		if i < len(seeds) {
			if left := fast.Interpreted(); len(left) > 0 {
				t.Errorf("%s: %v run on the interpreter; extend kernel/celgo to cover them", def.ID, left)
			}
		}
		for range 50 {
			in := randomCall(r, def)
			a, b := fast.Decide(in, "k", "verified"), slow.Decide(in, "k", "verified")
			if got, want := summary(a), summary(b); got != want {
				t.Fatalf("%s on %v:\n translated  %s\n interpreted %s", def.ID, in.Fields, got, want)
			}
			ka, erra := fast.IdempotencyKey(in)
			kb, errb := slow.IdempotencyKey(in)
			if ka != kb || (erra == nil) != (errb == nil) {
				t.Fatalf("%s: idempotency key %q, %v; interpreted %q, %v", def.ID, ka, erra, kb, errb)
			}
		}
	}
}

func summary(d *workflow.Decision) string {
	s := fmt.Sprintf("%s step=%d rule=%d undecided=%v", d.Event.Event, d.Step, d.Rule, d.Undecided)
	if d.Event.Handoff != nil {
		s += " reason=" + d.Event.Handoff.Reason
	}
	return s
}

// randomCall sets each field with probability 4/5 to a value of its type
// drawn from a few (the declared enum values, round numbers, …), so that
// handoff conditions are sometimes true and sometimes false.
func randomCall(r *rand.Rand, def *workflow.Definition) *event.Inbound {
	values := map[string]any{}
	for _, f := range def.Fields {
		if r.IntN(5) == 0 {
			continue
		}
		if f.Type == celenv.ListKind {
			items := make([]any, r.IntN(3))
			for i := range items {
				items[i] = randomValue(r, f, f.Items)
			}
			values[f.Name] = items
			continue
		}
		values[f.Name] = randomValue(r, f, f.Type)
	}
	return &event.Inbound{
		Call: event.Call{
			ID: fmt.Sprintf("call_%d", r.IntN(100)), Provider: "retell", Status: "completed",
			Direction: []string{"inbound", "outbound"}[r.IntN(2)], StartedAt: "2026-11-24T10:00:00Z", DurationS: int64(r.IntN(900)),
		},
		Fields: values,
	}
}

func randomValue(r *rand.Rand, f workflow.Field, k celenv.Kind) any {
	switch k {
	case celenv.Enum:
		if len(f.Values) > 0 {
			return f.Values[r.IntN(len(f.Values))]
		}
	case celenv.Boolean:
		return r.IntN(2) == 0
	case celenv.Integer, celenv.Number:
		return float64([]int{0, 1, 3, 11, 50, 99, 1000, 60000}[r.IntN(8)])
	case celenv.Date:
		return []string{"2025-12-31", "2026-03-01", "2026-09-30"}[r.IntN(3)]
	case celenv.DateTime:
		return []string{"2025-06-01T10:00:00Z", "2026-06-01T10:00:00+02:00"}[r.IntN(2)]
	case celenv.Phone:
		return "+15551234567"
	case celenv.Email:
		return "caller@example.com"
	}
	return []string{"leak in the kitchen", "account question", "service", "quote please", "no"}[r.IntN(5)]
}
