package breaking

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

// baseSpec is testdata/base.yaml: a lint-clean workflow with a field of
// each shape the rules look at.
func baseSpec(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces, in order, each old text of pairs (old, new, old, new …)
// once; the old text must be there.
func edit(t testing.TB, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q is not in the spec", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func loadContract(t testing.TB, path, content string) *contract {
	t.Helper()
	s, findings := spec.Load(path, []byte(content))
	if s == nil || len(findings) > 0 {
		t.Fatalf("%s does not load: %v", path, findings)
	}
	return contractOf(s)
}

// changeLines runs compare and renders each change as
// "rule@line:col message | summary".
func changeLines(t *testing.T, old, new string) []string {
	t.Helper()
	cs := compare(loadContract(t, "old.yaml", old), loadContract(t, "new.yaml", new), func(r source.Range) string {
		return fmt.Sprintf("main:old.yaml:%d:%d", r.Start.Line, r.Start.Col)
	})
	out := []string{}
	for _, c := range cs {
		f := c.Finding
		if f.Range.File != "new.yaml" {
			t.Errorf("%s points into %s, not the new spec", f.Rule, f.Range.File)
		}
		if c.Workflow != "repair_intake" {
			t.Errorf("%s: workflow %q", f.Rule, c.Workflow)
		}
		out = append(out, fmt.Sprintf("%s@%d:%d %s | %s %q", f.Rule, f.Range.Start.Line, f.Range.Start.Col, f.Message, c.Summary.Format, c.Summary.Names))
	}
	return out
}

func TestCompare(t *testing.T) {
	base := baseSpec(t)
	cases := []struct {
		name string
		// old and new are edits of the base spec (old, new, …).
		old, new []string
		want     []string
	}{
		// Not breaking.
		{name: "identical"},
		{name: "fields reordered", new: []string{
			"  phone:\n    type: phone\n    description: Callback number\n", "",
			"fields:\n", "fields:\n  phone:\n    type: phone\n    description: Callback number\n"}},
		{name: "enum values reordered", new: []string{"[leak, heating, other]", "[other, leak, heating]"}},
		{name: "text edits", new: []string{
			"title: Repair intake", "title: Repairs",
			"description: Kind of problem", "description: What kind of problem it is",
			"caller_message: A person from the team will call you back.", "caller_message: Someone will call you back today.",
			"disclosure: You are talking", "disclosure: Hello. You are talking"}},
		{name: "limits loosened", new: []string{"max_length: 200", "max_length: 500", "min: 0", "min: -1", "max: 100", "max: 200"}},
		{name: "required: false dropped", old: []string{"    required: true\n    max_length", "    required: false\n    max_length"}, new: []string{"    required: false\n", ""}},
		{name: "target added", new: []string{"targets: [vapi, callurl]", "targets: [vapi, callurl, retell]"}},
		{name: "built-in incomplete_call rule removed",
			old: []string{"handoff:\n", "handoff:\n  - reason: incomplete_call\n    when: \"!has(fields.location)\"\n"}},

		// One change per rule.
		{name: "field removed", new: []string{"  phone:\n    type: phone\n    description: Callback number\n", ""},
			want: []string{`field-removed@8:1 field "phone" (phone) was removed (it was at main:old.yaml:24:3): consumers that read it get nothing, and code using the generated type no longer compiles; keep the field, optional if the call no longer asks for it, until no consumer reads it | The field %s was removed. ["phone"]`}},
		{name: "field renamed", new: []string{"  phone:\n", "  callback_phone:\n"},
			want: []string{`field-renamed@24:3 field "phone" was renamed to "callback_phone" (same type and description; it was at main:old.yaml:24:3): consumers that read "phone" get nothing, and "callback_phone" is a name they do not know; keep the old name, or add the new field beside it and remove the old one once every consumer has moved | The field %s was renamed to %s. ["phone" "callback_phone"]`}},
		{name: "field renamed with another description is removed and added", new: []string{"  phone:\n    type: phone\n    description: Callback number", "  callback_phone:\n    type: phone\n    description: Number to call back"},
			want: []string{
				`field-removed@8:1 field "phone" (phone) was removed (it was at main:old.yaml:24:3): consumers that read it get nothing, and code using the generated type no longer compiles; keep the field, optional if the call no longer asks for it, until no consumer reads it | The field %s was removed. ["phone"]`,
				`field-added@24:3 field "callback_phone" (phone, optional) was added: consumers that validate events against the old schema (additionalProperties: false) refuse them; update their copy of the schema first | The field %s was added (optional). ["callback_phone"]`}},
		{name: "field type changed", new: []string{"type: integer\n    min: 0\n    max: 100", "type: text"},
			want: []string{`field-type-changed@20:11 field "floor" changed type from integer to text (it was at main:old.yaml:20:11): every consumer that reads the value, and code using the generated type, breaks; add a field with the new type under a new name instead | The field %s changed type from %s to %s. ["floor" "integer" "text"]`}},
		{name: "field type narrowed", new: []string{"    type: text\n    required: true\n    max_length: 200", "    type: enum\n    values: [kitchen, bathroom]\n    required: true"},
			want: []string{`field-type-changed@15:11 field "location" narrowed from text to enum (it was at main:old.yaml:15:11): values the platform sends that fit text but not enum are now refused, so calls that completed go to a person or lose the value; add a field with the new type under a new name instead | The field %s narrowed from %s to %s. ["location" "text" "enum"]`}},
		{name: "list items narrowed", new: []string{"items: text", "items: enum\n    values: [kitchen, bathroom]"},
			want: []string{`field-type-changed@29:12 field "rooms" narrowed from list of text to list of enum (it was at main:old.yaml:29:12): values the platform sends that fit list of text but not list of enum are now refused, so calls that completed go to a person or lose the value; add a field with the new type under a new name instead | The field %s narrowed from %s to %s. ["rooms" "list of text" "list of enum"]`}},
		{name: "date to datetime is a change", old: []string{"type: phone", "type: date"}, new: []string{"type: date", "type: datetime"},
			want: []string{`field-type-changed@25:11 field "phone" changed type from date to datetime (it was at main:old.yaml:25:11): every consumer that reads the value, and code using the generated type, breaks; add a field with the new type under a new name instead | The field %s changed type from %s to %s. ["phone" "date" "datetime"]`}},
		{name: "enum to text is widening", new: []string{"type: enum\n    values: [leak, heating, other]", "type: text"},
			want: []string{`field-type-widened@10:11 field "issue_type" widened from enum to text (it was at main:old.yaml:10:11): consumers that validate against the old schema meet values it refused | The field %s widened from %s to %s. ["issue_type" "enum" "text"]`}},
		{name: "integer to number is widening", new: []string{"type: integer", "type: number"},
			want: []string{`field-type-widened@20:11 field "floor" widened from integer to number (it was at main:old.yaml:20:11): consumers that validate against the old schema meet values it refused | The field %s widened from %s to %s. ["floor" "integer" "number"]`}},
		{name: "number to integer is narrowing", old: []string{"type: integer", "type: number"}, new: []string{"type: number", "type: integer"},
			want: []string{`field-type-changed@20:11 field "floor" narrowed from number to integer (it was at main:old.yaml:20:11): values the platform sends that fit number but not integer are now refused, so calls that completed go to a person or lose the value; add a field with the new type under a new name instead | The field %s narrowed from %s to %s. ["floor" "number" "integer"]`}},
		{name: "enum value removed", new: []string{"[leak, heating, other]", "[leak, other]"},
			want: []string{`enum-value-removed@11:5 enum field "issue_type" no longer has the value "heating" (it was at main:old.yaml:11:20): consumers and code that use it, and events stored with it, break; keep the value, and tell the assistant not to choose it in the field's description | The field %s no longer takes the value %s. ["issue_type" "heating"]`}},
		{name: "enum value added", new: []string{"[leak, heating, other]", "[leak, heating, other, pest]"},
			want: []string{`enum-value-added@11:36 enum field "issue_type" has the new value "pest": consumers that validate against the old schema, or switch over its values without a default, do not know it | The field %s takes the new value %s. ["issue_type" "pest"]`}},
		{name: "optional made required", new: []string{"    type: phone\n", "    type: phone\n    required: true\n"},
			want: []string{`field-made-required@26:15 field "phone" is now required (it was optional at main:old.yaml:24:3): calls that complete without it now go to a person as incomplete_call, and the generated Go type changes from a pointer to a value; keep it optional, and add a handoff rule if a person must follow up when it is missing | The field %s is now required. ["phone"]`}},
		{name: "required made optional", new: []string{"    required: true\n    max_length", "    required: false\n    max_length"},
			want: []string{`field-made-optional@16:15 field "location" is now optional (it was required at main:old.yaml:16:15): completed events may leave it out, and the generated Go type changes to a pointer; keep it required | The field %s is now optional: completed calls may leave it out. ["location"]`}},
		{name: "required key dropped", new: []string{"    required: true\n    max_length", "    max_length"},
			want: []string{`field-made-optional@14:3 field "location" is now optional (it was required at main:old.yaml:16:15): completed events may leave it out, and the generated Go type changes to a pointer; keep it required | The field %s is now optional: completed calls may leave it out. ["location"]`}},
		{name: "max_length lowered", new: []string{"max_length: 200", "max_length: 80"},
			want: []string{`field-limit-tightened@17:17 max_length of field "location" is now 80 (it was 200 at main:old.yaml:17:17): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it | The field %s has a stricter max_length: %s. ["location" "80"]`}},
		{name: "max_length added", new: []string{"items: text", "items: text\n    max_length: 3"},
			want: []string{`field-limit-tightened@30:17 max_length of field "rooms" is now 3 (there was none): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it | The field %s has a stricter max_length: %s. ["rooms" "3"]`}},
		{name: "min raised and max lowered", new: []string{"min: 0", "min: 1", "max: 100", "max: 50.5"},
			want: []string{
				`field-limit-tightened@21:10 min of field "floor" is now 1 (it was 0 at main:old.yaml:21:10): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it | The field %s has a stricter min: %s. ["floor" "1"]`,
				`field-limit-tightened@22:10 max of field "floor" is now 50.5 (it was 100 at main:old.yaml:22:10): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it | The field %s has a stricter max: %s. ["floor" "50.5"]`}},
		{name: "pattern changed", old: []string{"max_length: 200", "pattern: '^[A-Z]'"}, new: []string{"pattern: '^[A-Z]'", "pattern: '^[A-Z][a-z]'"},
			want: []string{`field-limit-tightened@17:14 pattern of field "location" is now ^[A-Z][a-z] (it was ^[A-Z] at main:old.yaml:17:14): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it | The field %s has a stricter pattern: %s. ["location" "^[A-Z][a-z]"]`}},
		{name: "handoff reason renamed", new: []string{"reason: emergency", "reason: urgent_leak"},
			want: []string{"handoff-reason-renamed@33:13 handoff reason \"emergency\" was renamed to \"urgent_leak\" (same `when`; it was at main:old.yaml:33:13): consumers that route on \"emergency\" never see it again; keep the old reason | The handoff reason %s was renamed to %s. [\"emergency\" \"urgent_leak\"]"}},
		{name: "handoff reason removed", new: []string{"reason: emergency\n    when: fields.issue_type == \"leak\"", "reason: flood\n    when: fields.issue_type == \"other\""},
			want: []string{
				`handoff-reason-removed@32:1 handoff reason "emergency" was removed (it was at main:old.yaml:33:13): consumers that route on it go quiet, and its calls arrive under another reason or complete; keep a rule with this reason | The handoff reason %s was removed. ["emergency"]`,
				`handoff-reason-added@33:13 handoff reason "flood" was added: consumers that validate handoff events against the old schema, or route without a default, do not know it | The handoff reason %s was added. ["flood"]`}},
		{name: "new handoff rule", new: []string{"webhook:\n", "  - reason: no_heat\n    when: fields.issue_type == \"heating\"\nwebhook:\n"},
			want: []string{`handoff-reason-added@37:13 handoff reason "no_heat" was added: consumers that validate handoff events against the old schema, or route without a default, do not know it | The handoff reason %s was added. ["no_heat"]`}},
		{name: "next_action renamed", new: []string{"next_action: create_work_order", "next_action: open_ticket"},
			want: []string{`next-action-renamed@31:14 next_action changed from "create_work_order" to "open_ticket" (it was at main:old.yaml:31:14): the service's method for "create_work_order" is no longer called and one for "open_ticket" must be implemented; keep "create_work_order", or roll out the service with the new method first | The next action changed from %s to %s: the service must implement the new method. ["create_work_order" "open_ticket"]`}},
		{name: "webhook url changed", new: []string{"hooks/repair_intake", "callspec/repair_intake"},
			want: []string{`webhook-url-changed@38:8 webhook.url changed from "https://ops.example.com/hooks/repair_intake" to "https://ops.example.com/callspec/repair_intake" (it was at main:old.yaml:38:8): every platform keeps posting to the old URL until its configuration is updated; serve the handler at both, reconfigure every target (callspec deploy), then retire the old URL | The webhook address changed: every platform must be reconfigured. []`}},
		{name: "target removed", new: []string{"targets: [vapi, callurl]", "targets: [callurl]"},
			want: []string{`target-removed@40:1 target "vapi" was removed (it was at main:old.yaml:40:11): its configuration is no longer generated or deployed, so an agent still live there keeps a configuration nothing updates; retire it on the platform first | The platform %s is no longer a target. ["vapi"]`}},
	}
	seen := map[string]bool{string(catalog.WorkflowRemoved): true} // TestWorkflowRemoved
	for _, c := range cases {
		for _, w := range c.want {
			seen[w[:strings.Index(w, "@")]] = true
		}
		t.Run(c.name, func(t *testing.T) {
			old := edit(t, base, c.old...)
			new := edit(t, old, c.new...)
			got := changeLines(t, old, new)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
	for _, r := range catalog.Breaking() {
		if !seen[string(r.ID)] {
			t.Errorf("no case shows %s", r.ID)
		}
	}
}
