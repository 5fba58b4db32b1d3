package workflow_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/callspec/callspec/runtime/celenv"
	"github.com/callspec/callspec/runtime/event"
	"github.com/callspec/callspec/runtime/workflow"
)

func f64(v float64) *float64 { return &v }

var def = &workflow.Definition{
	ID:    "intake",
	Owner: "facilities",
	Fields: []workflow.Field{
		{Name: "issue_type", Type: celenv.Enum, Values: []string{"leak", "electrical"}, Required: true},
		{Name: "location", Type: celenv.Text, Required: true, MaxLength: 10},
		{Name: "urgency", Type: celenv.Enum, Values: []string{"routine", "emergency"}},
		{Name: "income", Type: celenv.Number, Min: f64(0)},
		{Name: "rooms", Type: celenv.Integer, Max: f64(20)},
		{Name: "pets", Type: celenv.Boolean},
		{Name: "phone", Type: celenv.Phone, PII: true},
		{Name: "email", Type: celenv.Email},
		{Name: "day", Type: celenv.Date},
		{Name: "at", Type: celenv.DateTime},
		{Name: "zip", Type: celenv.Text, Pattern: `^[0-9]{5}$`},
		{Name: "tags", Type: celenv.ListKind, Items: celenv.Enum, Values: []string{"a", "b"}, MaxLength: 2},
	},
	NextAction: "create_work_order",
	Handoff: []workflow.HandoffRule{
		{Reason: "emergency", When: `fields.issue_type == "electrical" || (has(fields.urgency) && fields.urgency == "emergency")`,
			Severity: "urgent", Owner: "on_call", Notify: []string{"sms"}, CallerMessage: "A person will call you."},
		{Reason: "big_house", When: `fields.rooms > 10`, CallerMessage: "A person will call about access."},
	},
}

func compiled(t *testing.T) *workflow.Compiled {
	t.Helper()
	c, err := workflow.Compile(def)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestValidateCoercions(t *testing.T) {
	c := compiled(t)
	cases := []struct {
		field   string
		in      any
		want    any    // JSON value when accepted
		problem string // reason when refused
	}{
		{"issue_type", "Leak", "leak", ""},
		{"issue_type", "flood", nil, "not one of the declared values"},
		{"location", "  kitchen ", "kitchen", ""},
		{"location", "a very long location", nil, "longer than max_length 10"},
		{"location", 42.0, "42", ""},
		{"income", "60,000", 60000.0, ""},
		{"income", "60k", nil, "expected a number"},
		{"income", -1.0, nil, "below min 0"},
		{"rooms", 3.0, int64(3), ""},
		{"rooms", "3.5", nil, "expected a whole number"},
		{"rooms", 21.0, nil, "above max 20"},
		{"pets", "Yes", true, ""},
		{"pets", "maybe", nil, "expected true or false"},
		{"phone", "+1 (555) 123-4567", "+15551234567", ""},
		{"phone", "555 123 4567", nil, "not an E.164 phone number"},
		{"phone", "XXXXXXXX", nil, "not an E.164 phone number"},
		{"email", "a@example.com", "a@example.com", ""},
		{"email", "Alice <a@example.com>", nil, "not an email address"},
		{"email", "\ufffd@0.0", nil, "not an email address"},
		{"email", "a..b@example.com", nil, "not an email address"},
		{"email", "a@localhost", nil, "not an email address"},
		{"email", "first.last+tag@mail.example.co", "first.last+tag@mail.example.co", ""},
		{"day", "2026-02-03", "2026-02-03", ""},
		{"day", "tomorrow", nil, "expected a date (YYYY-MM-DD)"},
		{"at", "2026-02-03T10:00:00+01:00", "2026-02-03T09:00:00Z", ""},
		{"zip", "94105", "94105", ""},
		{"zip", "9410", nil, "does not match pattern"},
		{"tags", []any{"a", "B"}, []any{"a", "b"}, ""},
		{"tags", []any{"a", "b", "a"}, nil, "more than max_length 2 items"},
		{"tags", []any{"c"}, nil, "item 1: not one of the declared values"},
	}
	for _, tc := range cases {
		raw := map[string]any{"issue_type": "leak", "location": "sink", tc.field: tc.in}
		v := c.Validate(raw)
		got, ok := v.JSON[tc.field]
		if tc.problem == "" {
			if !ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s=%#v: got %#v (%v), want %#v", tc.field, tc.in, got, v.Invalid, tc.want)
			}
			continue
		}
		want := []event.FieldProblem{{Field: tc.field, Reason: tc.problem}}
		if ok || !reflect.DeepEqual(v.Invalid, want) {
			t.Errorf("%s=%#v: got value %#v problems %v, want %v", tc.field, tc.in, got, v.Invalid, want)
		}
	}
}

func TestDecide(t *testing.T) {
	c := compiled(t)
	cases := []struct {
		name     string
		fields   map[string]any
		event    string
		reason   string
		severity string
		missing  []string
		closed   bool
	}{
		{"routine", map[string]any{"issue_type": "leak", "location": "sink", "rooms": 3}, event.Completed, "", "", nil, false},
		{"first rule", map[string]any{"issue_type": "electrical", "location": "hall"}, event.Handoff, "emergency", "urgent", nil, false},
		{"guarded optional", map[string]any{"issue_type": "leak", "location": "sink", "urgency": "emergency"}, event.Handoff, "emergency", "urgent", nil, false},
		{"missing required", map[string]any{"issue_type": "leak", "location": nil}, event.Handoff, event.IncompleteCall, "normal", []string{"location"}, false},
		{"invalid value", map[string]any{"issue_type": "leak", "location": "sink", "phone": "0800 FIX IT"}, event.Handoff, event.IncompleteCall, "normal", nil, false},
		// fields.rooms is optional and unguarded: reading it when absent fails closed.
		{"unguarded optional fails closed", map[string]any{"issue_type": "leak", "location": "sink", "urgency": "routine"}, event.Handoff, "big_house", "normal", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &event.Inbound{Call: event.Call{ID: "c1", Provider: "retell", Status: "completed"}, Fields: tc.fields}
			d := c.Decide(in, "k1", event.SignatureVerified)
			ev := d.Event
			if ev.Event != tc.event {
				t.Fatalf("event %s, want %s (%+v)", ev.Event, tc.event, ev.Handoff)
			}
			if tc.event == event.Completed {
				if ev.NextAction != "create_work_order" || ev.Handoff != nil {
					t.Errorf("completed event: %+v", ev)
				}
				return
			}
			if ev.Handoff.Reason != tc.reason || ev.Handoff.Severity != tc.severity || ev.NextAction != "" {
				t.Errorf("handoff %+v, want %s/%s", ev.Handoff, tc.reason, tc.severity)
			}
			if !reflect.DeepEqual(ev.Handoff.MissingFields, tc.missing) {
				t.Errorf("missing %v, want %v", ev.Handoff.MissingFields, tc.missing)
			}
			if d.FailedClosed != tc.closed {
				t.Errorf("failed closed = %v", d.FailedClosed)
			}
			if ev.Handoff.CallerMessage == "" || ev.Handoff.Notify == nil {
				t.Errorf("handoff lacks caller message or notify: %+v", ev.Handoff)
			}
		})
	}
}

func TestInvalidValuesNeverReachTheEvent(t *testing.T) {
	c := compiled(t)
	in := &event.Inbound{Call: event.Call{ID: "c1"}, Fields: map[string]any{
		"issue_type": "leak", "location": "sink", "phone": "call me at 555 0101", "unknown_key": "secret stuff"}}
	d := c.Decide(in, "k", event.SignatureVerified)
	b, _ := json.Marshal(d.Event)
	for _, leaked := range []string{"555 0101", "secret stuff", "unknown_key"} {
		if strings.Contains(string(b), leaked) {
			t.Errorf("event contains %q: %s", leaked, b)
		}
	}
	if !reflect.DeepEqual(d.Validated.Unknown, []string{"unknown_key"}) {
		t.Errorf("unknown = %v", d.Validated.Unknown)
	}
}

func TestIdempotencyKey(t *testing.T) {
	d := *def
	d.IdempotencyKey = `call.provider + ":" + call.id`
	c, err := workflow.Compile(&d)
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.IdempotencyKey(&event.Inbound{Call: event.Call{ID: "abc", Provider: "vapi"}})
	if err != nil || k != "vapi:abc" {
		t.Fatalf("key %q, %v", k, err)
	}
	if k, err := c.IdempotencyKey(&event.Inbound{Call: event.Call{Provider: "vapi"}}); err == nil {
		t.Errorf("a delivery without a call id got the key %q; it would merge every such call", k)
	}
	plain := compiled(t)
	if _, err := plain.IdempotencyKey(&event.Inbound{}); err == nil {
		t.Error("an empty call id must not give an idempotency key")
	}
}
