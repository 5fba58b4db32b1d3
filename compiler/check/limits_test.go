package check_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules"
)

// limitSpec is a valid spec with n fields and r handoff rules; the field
// block starts on line 4, one field a line, and the rules follow, three
// lines each.
func limitSpec(n, r int) string {
	var b strings.Builder
	b.WriteString("callspec: 1\nworkflow: {id: limits, title: Limits, goal: Test the limits}\nfields:\n")
	for i := range n {
		fmt.Fprintf(&b, "  f%d: {type: text, max_length: 10}\n", i)
	}
	b.WriteString("handoff:\n")
	for i := range r {
		fmt.Fprintf(&b, "  - reason: r%d\n    when: has(fields.f0) && fields.f0 == \"x%d\"\n    caller_message: A person will call you back.\n", i, i)
	}
	b.WriteString("webhook: {url: \"https://example.com/h\", secret: \"env:S\"}\n")
	return b.String()
}

func TestSpecSizeLimits(t *testing.T) {
	fieldLine := func(i int) int { return 4 + i }
	ruleLine := func(fields, i int) int { return 4 + fields + 1 + 3*i }
	cases := []struct {
		name          string
		fields, rules int
		want          string
	}{
		{"at the limits", check.MaxFields, check.MaxHandoffRules, ""},
		{"one field too many", check.MaxFields + 1, 1,
			fmt.Sprintf("%d:3 schema: the spec declares %d fields; a spec may declare at most %d (limit max-fields)", fieldLine(check.MaxFields), check.MaxFields+1, check.MaxFields)},
		{"one rule too many", 1, check.MaxHandoffRules + 1,
			fmt.Sprintf("%d:5 schema: the spec has %d handoff rules; a spec may have at most %d (limit max-handoff-rules)", ruleLine(1, check.MaxHandoffRules), check.MaxHandoffRules+1, check.MaxHandoffRules)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, fs := spec.Load("limits.yaml", []byte(limitSpec(tc.fields, tc.rules)))
			if s == nil {
				t.Fatalf("load: %v", fs)
			}
			u, more := check.Check(s)
			fs = append(fs, more...)
			// The quality-gate rules must cope with a spec cut at the limits.
			rules.RunFile(u)
			var limits []string
			for _, f := range fs {
				if strings.Contains(f.Message, "(limit ") {
					limits = append(limits, fmt.Sprintf("%d:%d %s: %s", f.Range.Start.Line, f.Range.Start.Col, f.Rule, f.Message))
				}
			}
			switch {
			case tc.want == "" && len(limits) != 0:
				t.Errorf("a spec at the limits got %q", limits)
			case tc.want != "" && (len(limits) != 1 || !strings.HasPrefix(limits[0], tc.want)):
				t.Errorf("limit findings %q, want one starting %q", limits, tc.want)
			}
			if len(u.IR.Fields) > check.MaxFields || len(u.IR.Handoff) > check.MaxHandoffRules || len(u.When) != len(u.IR.Handoff) {
				t.Errorf("the IR holds %d fields and %d rules (%d positions), past the limits", len(u.IR.Fields), len(u.IR.Handoff), len(u.When))
			}
		})
	}
}

// TestCELLengthLimit checks limit max-cel-length on a handoff rule and on
// the idempotency key: an expression of MaxCELLength code points compiles
// (é takes two bytes, so it is longer in bytes), one more is a schema
// finding over the whole expression and is not compiled.
func TestCELLengthLimit(t *testing.T) {
	literal := func(n int) string { // an expression of n code points
		return `fields.f0 == "` + strings.Repeat("é", n-len(`fields.f0 == ""`)) + `"`
	}
	key := func(n int) string {
		return `call.id + "` + strings.Repeat("é", n-len(`call.id + ""`)) + `"`
	}
	for _, tc := range []struct {
		name, when, key string
		want            []string
	}{
		{"at the limit", literal(check.MaxCELLength), key(check.MaxCELLength), nil},
		{"a rule past the limit", literal(check.MaxCELLength + 1), key(check.MaxCELLength), []string{
			fmt.Sprintf("6:11-6:%d schema: `when` is %d characters long; a CEL expression may be at most %d (limit max-cel-length), so split the condition into several handoff rules",
				11+check.MaxCELLength+1, check.MaxCELLength+1, check.MaxCELLength),
		}},
		{"a key past the limit", literal(check.MaxCELLength), key(check.MaxCELLength + 1), []string{
			fmt.Sprintf("11:20-11:%d schema: `idempotency_key` is %d characters long; a CEL expression may be at most %d (limit max-cel-length), so build the key from a few call and field values",
				20+check.MaxCELLength+1, check.MaxCELLength+1, check.MaxCELLength),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "callspec: 1\nworkflow: {id: limits, title: Limits, goal: Test the limits}\n" +
				"fields: {f0: {type: text, required: true, max_length: 10}}\n" +
				"handoff:\n  - reason: r0\n    when: " + tc.when + "\n    caller_message: A person will call you back.\n" +
				"webhook:\n  url: https://example.com/h\n  secret: env:S\n  idempotency_key: " + tc.key + "\n"
			s, fs := spec.Load("limits.yaml", []byte(src))
			if s == nil {
				t.Fatalf("load: %v", fs)
			}
			u, more := check.Check(s)
			var got []string
			for _, f := range append(fs, more...) {
				got = append(got, fmt.Sprintf("%d:%d-%d:%d %s: %s", f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Line, f.Range.End.Col, f.Rule, f.Message))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings\n%q\nwant\n%q", got, tc.want)
			}
			compiled := u.IR.Handoff[0].Checked != nil && u.IR.Webhook.IdempotencyChecked != nil
			if compiled != (tc.want == nil) {
				t.Errorf("both expressions compiled: %v, want %v", compiled, tc.want == nil)
			}
		})
	}
}

// TestEnumLiteralMessagesAreBounded compares an enum of 2,000 values with
// 100 literals that are none of them: each finding names 32 values and
// counts the others, where it once listed all 2,000 (for thousands of
// literals, gigabytes of messages).
func TestEnumLiteralMessagesAreBounded(t *testing.T) {
	var values, literals []string
	for i := range 2000 {
		values = append(values, fmt.Sprintf("v%d", i+1))
	}
	for range 100 {
		literals = append(literals, `"unknown"`)
	}
	src := "callspec: 1\nworkflow: {id: enums, title: Enums, goal: Test the messages}\n" +
		"fields: {kind: {type: enum, required: true, values: [" + strings.Join(values, ", ") + "]}}\n" +
		"handoff:\n  - reason: r0\n    when: fields.kind in [" + strings.Join(literals, ", ") + "]\n    caller_message: A person will call you back.\n" +
		"webhook: {url: \"https://example.com/h\", secret: \"env:S\"}\n"
	s, fs := spec.Load("enums.yaml", []byte(src))
	if s == nil {
		t.Fatalf("load: %v", fs)
	}
	_, fs = check.Check(s)
	want := `"unknown" is not a value of enum field "kind", so this comparison can never match (use one of ` +
		strings.Join(values[:32], ", ") + " and 1968 more)"
	if len(fs) != len(literals) {
		t.Fatalf("%d findings, want %d", len(fs), len(literals))
	}
	for _, f := range fs {
		if f.Message != want {
			t.Fatalf("message\n%s\nwant\n%s", f.Message, want)
		}
	}
}
