package workflow_test

import (
	"testing"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// fiveRules is the spec size issue 7 sets the Decide goal for: five
// handoff rules over enum, boolean, number, text and list fields, none of
// which matches the routine call below, so Decide evaluates all five.
var fiveRules = &workflow.Definition{
	ID:    "bench",
	Owner: "team",
	Fields: []workflow.Field{
		{Name: "issue_type", Type: celenv.Enum, Values: []string{"leak", "electrical", "heating", "other"}, Required: true},
		{Name: "urgency", Type: celenv.Enum, Values: []string{"routine", "urgent", "emergency"}},
		{Name: "location", Type: celenv.Text, Required: true, MaxLength: 200},
		{Name: "tenant_home", Type: celenv.Boolean, Required: true},
		{Name: "rooms", Type: celenv.Integer, Max: f64(50)},
		{Name: "tags", Type: celenv.ListKind, Items: celenv.Enum, Values: []string{"water", "gas", "noise"}},
	},
	NextAction: "create_work_order",
	Handoff: []workflow.HandoffRule{
		{Reason: "electrical", When: `fields.issue_type == "electrical"`},
		{Reason: "emergency", When: `has(fields.urgency) && fields.urgency == "emergency"`},
		{Reason: "nobody_home", When: `!fields.tenant_home && fields.issue_type != "other"`},
		{Reason: "large", When: `has(fields.rooms) && fields.rooms > 20`},
		{Reason: "gas", When: `has(fields.tags) && "gas" in fields.tags || fields.location.contains("basement")`},
	},
}

func routineCall() *event.Inbound {
	return &event.Inbound{
		Call: event.Call{ID: "call_1", Provider: "retell", Status: "completed", Direction: "inbound", StartedAt: "2026-11-24T10:00:00Z"},
		Fields: map[string]any{
			"issue_type": "leak", "urgency": "routine", "location": "kitchen sink",
			"tenant_home": true, "rooms": float64(3), "tags": []any{"water"},
		},
	}
}

// BenchmarkDecide is validation plus the five handoff rules, the work the
// handler does per call once the body is decoded; BenchmarkValidate is the
// validation part alone and BenchmarkRules the rule evaluation alone, so
// that their difference is visible.
func BenchmarkDecide(b *testing.B) {
	c := workflow.MustCompile(fiveRules)
	in := routineCall()
	b.ReportAllocs()
	for b.Loop() {
		if d := c.Decide(in, "k", "verified"); d.Rule != -1 || d.Event.Event != event.Completed {
			b.Fatalf("decision %+v", d)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	c := workflow.MustCompile(fiveRules)
	in := routineCall()
	b.ReportAllocs()
	for b.Loop() {
		if v := c.Validate(in.Fields); !v.OK() {
			b.Fatalf("invalid: %+v", v)
		}
	}
}

// BenchmarkCompile is the start-up cost of a generated handler: the typed
// CEL environment and one program per rule.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := workflow.Compile(fiveRules); err != nil {
			b.Fatal(err)
		}
	}
}
