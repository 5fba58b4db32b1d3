package workflow_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	_ "github.com/callspec/callspec/kernel/workflow/phone"
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
		{"income", "1,500.25", 1500.25, ""},
		{"income", "1,5", nil, "expected a number"}, // a decimal comma, not 15
		{"income", "1,50,000", nil, "expected a number"},
		{"rooms", json.Number("9007199254740993"), nil, "expected a whole number between -2^53 and 2^53 (JSON readers round larger ones)"},
		{"rooms", "-9007199254740993", nil, "expected a whole number between -2^53 and 2^53 (JSON readers round larger ones)"},
		{"rooms", json.Number("12"), int64(12), ""},
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
		if ok || !reflect.DeepEqual(v.Refused(), want) {
			t.Errorf("%s=%#v: got value %#v problems %v, want %v", tc.field, tc.in, got, v.Refused(), want)
		}
	}
}

// TestDecide covers each step of the decision order.
func TestDecide(t *testing.T) {
	c := compiled(t)
	ok := map[string]any{"issue_type": "leak", "location": "sink", "rooms": 3}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range ok {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	none := []string{}
	cases := []struct {
		name      string
		call      event.Call
		fields    map[string]any
		step      workflow.Step
		reason    string // "" for a completed call
		severity  string
		missing   []string
		invalid   []event.FieldProblem
		undecided []string
	}{
		// Step 1: the platform says the call failed or was not answered,
		// whatever the fields say.
		{"failed", event.Call{Status: "failed"}, with("issue_type", "electrical"), workflow.StepCallEnded, event.CallFailed, "normal", none, nil, none},
		{"error end reason", event.Call{Status: "completed", EndReason: "error"}, ok, workflow.StepCallEnded, event.CallFailed, "normal", none, nil, none},
		{"dial failed", event.Call{Status: "completed", EndReason: "dial_failed"}, ok, workflow.StepCallEnded, event.CallFailed, "normal", none, nil, none},
		{"no answer", event.Call{Status: "no_answer"}, map[string]any{}, workflow.StepCallEnded, event.NoAnswer, "normal", []string{"issue_type", "location"}, nil, none},
		{"busy", event.Call{Status: "busy"}, nil, workflow.StepCallEnded, event.NoAnswer, "normal", []string{"issue_type", "location"}, nil, none},
		{"voicemail", event.Call{Status: "voicemail"}, ok, workflow.StepCallEnded, event.NoAnswer, "normal", none, nil, none},
		{"declined", event.Call{Status: "completed", EndReason: "declined"}, ok, workflow.StepCallEnded, event.NoAnswer, "normal", none, nil, none},
		// Step 2: the first true rule, even when the call is incomplete.
		{"first rule", event.Call{}, with("issue_type", "electrical"), workflow.StepRule, "emergency", "urgent", none, nil, none},
		{"guarded optional", event.Call{}, with("urgency", "emergency"), workflow.StepRule, "emergency", "urgent", none, nil, none},
		{"emergency on an incomplete call", event.Call{}, map[string]any{"issue_type": "electrical"}, workflow.StepRule, "emergency", "urgent", []string{"location"}, nil, none},
		// fields.issue_type is missing, but the other side of || is true.
		{"true || missing", event.Call{}, map[string]any{"urgency": "emergency"}, workflow.StepRule, "emergency", "urgent", []string{"issue_type", "location"}, nil, none},
		{"second rule after an undecided first", event.Call{}, map[string]any{"location": "hall", "rooms": 12}, workflow.StepRule, "big_house", "normal", []string{"issue_type"}, nil, []string{"emergency"}},
		// Step 3: no rule is true; a required field is missing or invalid,
		// or a rule could not be decided.
		{"missing required", event.Call{}, with("location", nil), workflow.StepIncomplete, event.IncompleteCall, "normal", []string{"location"}, nil, none},
		{"placeholder for a required field", event.Call{}, with("location", "N/A"), workflow.StepIncomplete, event.IncompleteCall, "normal", []string{"location"}, nil, none},
		{"invalid required", event.Call{}, with("location", "far too long a place"), workflow.StepIncomplete, event.IncompleteCall, "normal", none,
			[]event.FieldProblem{{Field: "location", Reason: "longer than max_length 10"}}, none},
		{"invalid required read by a rule", event.Call{}, with("issue_type", "flood"), workflow.StepIncomplete, event.IncompleteCall, "normal", none,
			[]event.FieldProblem{{Field: "issue_type", Reason: "not one of the declared values"}}, []string{"emergency"}},
		// fields.rooms is optional and unguarded: absent, the rule is undecided.
		{"undecided rule", event.Call{}, with("rooms", nil), workflow.StepIncomplete, event.IncompleteCall, "normal", none, nil, []string{"big_house"}},
		// Step 4: optional values that are invalid or placeholders are left
		// out and do not make the call incomplete.
		{"routine", event.Call{Status: "completed", EndReason: "caller_hangup"}, ok, workflow.StepCompleted, "", "", nil, nil, nil},
		{"invalid optional phone", event.Call{}, with("phone", "0800 FIX IT"), workflow.StepCompleted, "", "", nil, nil, nil},
		{"national optional phone", event.Call{}, with("phone", "(555) 010-0222"), workflow.StepCompleted, "", "", nil, nil, nil},
		{"placeholder optional", event.Call{}, with("phone", "N/A", "email", "unknown", "urgency", "none"), workflow.StepCompleted, "", "", nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			call := tc.call
			call.ID, call.Provider = "c1", "retell"
			d := c.Decide(&event.Inbound{Call: call, Fields: tc.fields}, "k1", event.SignatureVerified)
			ev := d.Event
			if d.Step != tc.step {
				t.Errorf("step %d, want %d", d.Step, tc.step)
			}
			if tc.reason == "" {
				if ev.Event != event.Completed || ev.NextAction != "create_work_order" || ev.Handoff != nil {
					t.Fatalf("got %+v %+v, want a completed call", ev, ev.Handoff)
				}
				return
			}
			h := ev.Handoff
			if ev.Event != event.Handoff || h == nil || ev.NextAction != "" {
				t.Fatalf("got %s %+v, want handoff %s", ev.Event, h, tc.reason)
			}
			if h.Reason != tc.reason || h.Severity != tc.severity {
				t.Errorf("handoff %s/%s, want %s/%s", h.Reason, h.Severity, tc.reason, tc.severity)
			}
			invalid := tc.invalid
			if invalid == nil {
				invalid = []event.FieldProblem{}
			}
			if !reflect.DeepEqual(h.MissingFields, tc.missing) || !reflect.DeepEqual(h.InvalidFields, invalid) || !reflect.DeepEqual(h.UndecidedRules, tc.undecided) {
				t.Errorf("missing %#v invalid %#v undecided %#v; want %#v %#v %#v", h.MissingFields, h.InvalidFields, h.UndecidedRules, tc.missing, invalid, tc.undecided)
			}
			if h.CallerMessage == "" || h.Notify == nil {
				t.Errorf("handoff lacks caller message or notify: %+v", h)
			}
		})
	}
}

// TestHandoffListsAlwaysPresent: a consumer reads missing_fields,
// invalid_fields and undecided_rules on every handoff, never null.
func TestHandoffListsAlwaysPresent(t *testing.T) {
	c := compiled(t)
	d := c.Decide(&event.Inbound{Call: event.Call{ID: "c"}, Fields: map[string]any{"issue_type": "electrical", "location": "hall"}}, "k", event.SignatureVerified)
	b, err := json.Marshal(d.Event.Handoff)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"handoff_reason":"emergency","severity":"urgent","owner":"on_call","notify":["sms"],"caller_message":"A person will call you.","missing_fields":[],"invalid_fields":[],"undecided_rules":[]}`
	if string(b) != want {
		t.Errorf("handoff\n got %s\nwant %s", b, want)
	}
}

// TestOptionalHygiene: what is left out of an optional field is noted,
// without the value.
func TestOptionalHygiene(t *testing.T) {
	c := compiled(t)
	v := c.Validate(map[string]any{"issue_type": "leak", "location": "sink", "phone": "(555) 010-0222", "email": "N/A", "tags": []any{"a", "unknown"}})
	if !v.OK() {
		t.Fatalf("missing %v invalid %v", v.Missing, v.Invalid)
	}
	if !reflect.DeepEqual(v.Placeholders, []string{"email"}) || !reflect.DeepEqual(v.JSON["tags"], []any{"a"}) {
		t.Errorf("placeholders %v, tags %v", v.Placeholders, v.JSON["tags"])
	}
	want := []string{
		"field email: the value is a placeholder for no answer and was left out",
		"field phone: the optional value was left out (not an E.164 phone number)",
	}
	if got := v.Notes(); !reflect.DeepEqual(got, want) {
		t.Errorf("notes\n got %q\nwant %q", got, want)
	}
	for _, n := range v.Notes() {
		if strings.Contains(n, "555") {
			t.Errorf("a note holds the value: %q", n)
		}
	}
}

// TestDeclaredEnumValueIsNeverAPlaceholder: values: [none, peanuts] keeps
// "none".
func TestDeclaredEnumValueIsNeverAPlaceholder(t *testing.T) {
	d := &workflow.Definition{ID: "allergy", NextAction: "book", Fields: []workflow.Field{
		{Name: "allergy", Type: celenv.Enum, Values: []string{"none", "peanuts"}, Required: true},
		{Name: "other", Type: celenv.Enum, Values: []string{"peanuts"}},
		{Name: "more", Type: celenv.ListKind, Items: celenv.Enum, Values: []string{"None", "milk"}},
	}}
	c, err := workflow.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	v := c.Validate(map[string]any{"allergy": "None", "other": "none", "more": []any{"none", "n/a"}})
	if !v.OK() || v.JSON["allergy"] != "none" || !reflect.DeepEqual(v.JSON["more"], []any{"None"}) {
		t.Errorf("allergy %v more %v missing %v invalid %v", v.JSON["allergy"], v.JSON["more"], v.Missing, v.Invalid)
	}
	if !reflect.DeepEqual(v.Placeholders, []string{"other"}) {
		t.Errorf("placeholders %v, want [other]", v.Placeholders)
	}
}

// TestBuiltinHandoffs: the incomplete: block and the language's messages.
func TestBuiltinHandoffs(t *testing.T) {
	d := &workflow.Definition{ID: "w", Owner: "front_desk", Language: "es",
		Incomplete: &workflow.Incomplete{Owner: "callbacks", Severity: "urgent", Notify: []string{"slack"}, CallerMessage: "Le llamaremos."}}
	for _, tc := range []struct{ reason, msg string }{
		{event.IncompleteCall, "Le llamaremos."},
		{event.CallFailed, "La llamada falló antes de que el asistente terminara, así que no se dijo a la persona qué pasará después."},
		{event.NoAnswer, "Nadie contestó la llamada, así que no se dijo nada a la persona."},
	} {
		h := d.BuiltinHandoff(tc.reason)
		want := &event.HandoffInfo{Reason: tc.reason, Severity: "urgent", Owner: "callbacks", Notify: []string{"slack"}, CallerMessage: tc.msg}
		if !reflect.DeepEqual(h, want) {
			t.Errorf("%s: %+v, want %+v", tc.reason, h, want)
		}
	}
	plain := &workflow.Definition{ID: "w", Owner: "front_desk", Language: "xx"}
	h := plain.BuiltinHandoff(event.IncompleteCall)
	if h.Owner != "front_desk" || h.Severity != "normal" || len(h.Notify) != 0 ||
		h.CallerMessage != "I could not collect everything the team needs. A person from the team will follow up with you." {
		t.Errorf("defaults: %+v", h)
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

// TestPhoneRegion: national numbers become E.164 only with phone_region.
func TestPhoneRegion(t *testing.T) {
	mk := func(region string) *workflow.Compiled {
		c, err := workflow.Compile(&workflow.Definition{ID: "p", NextAction: "call_back", PhoneRegion: region,
			Fields: []workflow.Field{{Name: "phone", Type: celenv.Phone, Required: true}, {Name: "alt", Type: celenv.Phone}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	us, none := mk("US"), mk("")
	cases := []struct {
		c       *workflow.Compiled
		in      string
		want    string
		problem string
	}{
		{us, "(415) 555-0132", "+14155550132", ""},
		{us, "415.555.0132", "+14155550132", ""},
		{us, "+44 20 7946 0958", "+442079460958", ""},
		{us, "555 0101", "", "not a phone number of region US"},
		{us, "call me maybe", "", "not a phone number of region US"},
		{us, "+1 555 CALL ME", "", "not an E.164 phone number"},
		{none, "(415) 555-0132", "", "not an E.164 phone number"},
		{none, "+1 (415) 555-0132", "+14155550132", ""},
	}
	for _, tc := range cases {
		v := tc.c.Validate(map[string]any{"phone": tc.in, "alt": tc.in})
		if tc.problem == "" {
			if v.JSON["phone"] != tc.want || v.JSON["alt"] != tc.want {
				t.Errorf("%q: got %v / %v, want %s (%v)", tc.in, v.JSON["phone"], v.JSON["alt"], tc.want, v.Refused())
			}
			continue
		}
		want := []event.FieldProblem{{Field: "phone", Reason: tc.problem}}
		wantDropped := []event.FieldProblem{{Field: "alt", Reason: tc.problem}}
		if !reflect.DeepEqual(v.Invalid, want) || !reflect.DeepEqual(v.Dropped, wantDropped) {
			t.Errorf("%q: invalid %v dropped %v, want %v and %v", tc.in, v.Invalid, v.Dropped, want, wantDropped)
		}
	}
}
