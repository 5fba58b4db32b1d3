package celenv

import (
	"testing"

	"cel.dev/cel-go/common/cost"
)

// lengthEstimator bounds every string and list at 1,000 so that the
// estimates depend on the cost models of the functions called.
type lengthEstimator struct{}

func (lengthEstimator) EstimateSize(cost.AstNode) *cost.SizeEstimate {
	e := cost.RangedSizeEstimate(0, 1000)
	return &e
}

func (lengthEstimator) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

// TestEstimateCostMatchesWorkflowEnv holds EstimateCost, which estimates
// in the base environment, to the estimate of the workflow's own.
func TestEstimateCostMatchesWorkflowEnv(t *testing.T) {
	env, err := New([]Field{
		{Name: "notes", Type: Text},
		{Name: "income", Type: Number},
		{Name: "tags", Type: ListKind, Items: Text},
		{Name: "when", Type: DateTime},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{
		`fields.income > 50000`,
		`fields.notes.contains("urgent") || fields.notes.matches("^a+b$")`,
		`fields.notes.lowerAscii().split(" ").exists(w, w == "help")`,
		`fields.tags.all(t, t.startsWith("x") && size(t) < 10)`,
		`has(fields.when) && fields.when > timestamp("2020-01-01T00:00:00Z")`,
		`fields.?notes.orValue("").replace("a", "b").trim() != call.from + workflow.id`,
		`fields.tags.map(t, t.upperAscii()).filter(t, t.indexOf("A") > 0).size() > 0`,
	} {
		checked, iss := env.Compile(expr)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", expr, iss.Err())
		}
		want, err := env.CEL.EstimateCost(checked, lengthEstimator{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := EstimateCost(checked, lengthEstimator{})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: EstimateCost = %+v, the workflow's environment estimates %+v", expr, got, want)
		}
	}
}
