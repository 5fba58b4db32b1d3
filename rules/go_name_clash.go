package rules

import (
	"fmt"
	"slices"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/source"
)

func init() {
	register(&Rule{
		ID:       "go-name-clash",
		Severity: diag.Error,
		Summary:  "two fields, or two enum values, become the same Go name in the generated handler",
		Doc: `
The generated Go handler turns every field into a field of its Fields struct
and every enum value into a constant: rooms_2 becomes Rooms2, urgent becomes
UrgencyUrgent. Letters and digits are kept, and underscores, punctuation,
spaces and case are not, so rooms_2 and rooms2 would both be Rooms2, and the
values "+1" and "-1" of a field delta both DeltaX1. The generator would name
the second one Rooms22 or DeltaX12, and that name would silently change
meaning when the spec is reordered: code that reads Fields.Rooms2 would read
the other field. Rename one of the two so that they differ in a letter or a
digit. (An enum field's type shares the names of every enum's constants:
a field urgency_high clashes with the value high of a field urgency.)

Bad:

    fields:
      rooms2: {type: integer}
      rooms_2: {type: integer}
      delta: {type: enum, values: ["+1", "-1"]}

Good:

    fields:
      rooms_before: {type: integer}
      rooms_after: {type: integer}
      delta: {type: enum, values: [plus_one, minus_one]}
`,
		Check: func(p *Pass) {
			clashes := gohandler.Plan(p.IR).Clashes
			for _, c := range clashes {
				// Two enum fields whose struct fields clash also have
				// clashing types: one finding says it.
				if !c.Member && slices.ContainsFunc(clashes, func(m gohandler.Clash) bool { return m.Member && m.First == c.First && m.Second == c.Second }) {
					continue
				}
				first, firstAt := p.goNameOrigin(c.First)
				second, secondAt := p.goNameOrigin(c.Second)
				if !firstAt.IsValid() || !secondAt.IsValid() || first == second {
					continue // the same name twice: duplicate-key reports it
				}
				what := "as two fields of its Fields struct"
				if !c.Member {
					what = goNameKinds(c.Second, c.First)
				}
				p.Report(secondAt, "%s and %s (line %d) would both be named %s in the generated Go handler (%s); rename one so that the two differ in a letter or a digit, not only in case, underscores or punctuation",
					second, first, firstAt.Start.Line, c.GoName, what)
			}
		},
	})
}

// goNameKinds says what two package-level names are: enum types (from a
// field) or constants (from a value).
func goNameKinds(a, b gohandler.Origin) string {
	kind := func(o gohandler.Origin) string {
		if o.Value < 0 {
			return "type"
		}
		return "constant"
	}
	if kind(a) == kind(b) {
		return "as two " + kind(a) + "s"
	}
	return "as a " + kind(a) + " and a " + kind(b)
}

// goNameOrigin describes the spec name a generated Go name comes from, and
// where it is written.
func (p *Pass) goNameOrigin(o gohandler.Origin) (string, source.Range) {
	f := p.IR.Fields[o.Field]
	entry, ok := p.Spec.Fields.Get(f.Name)
	if !ok {
		return "", source.Range{}
	}
	if o.Value < 0 {
		return fmt.Sprintf("field %q", f.Name), entry.Key.Range
	}
	v := f.Values[o.Value]
	for _, item := range entry.Value.Values.Items {
		if item.Set && item.Value == v {
			return fmt.Sprintf("value %q of field %q", v, f.Name), item.Range
		}
	}
	return "", source.Range{}
}
