package check_test

import (
	"fmt"
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
