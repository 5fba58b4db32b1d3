package rules

import (
	"fmt"
	"slices"

	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.GoNameClash.Rule(),
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
		return fmt.Sprintf("field %q", f.Name), entry.Key.Range()
	}
	v := f.Values[o.Value]
	for _, item := range entry.Value.Values.Items {
		if item.Set && item.Value == v {
			return fmt.Sprintf("value %q of field %q", v, f.Name), item.Range()
		}
	}
	return "", source.Range{}
}
