package rules

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/celenv"
)

func init() {
	register(&Rule{
		ID:       "unused-field",
		Severity: diag.Warning,
		Summary:  "an optional field is neither collected by a question nor read by a handoff rule",
		Doc: `
Every field costs something: the extractor looks for it, the schema and
the handler carry it, and if it holds personal data it has to be
protected. An optional field that no question asks for and no handoff rule
reads is only filled when the caller happens to volunteer it, and nothing
decides on it. Either ask for it (add it to a question's collects), use it
in a handoff rule, or remove it. Fields the platform derives from the whole
call (a summary, the sentiment) count as used when a rule reads them.

Bad:

    questions:
      - id: issue
        ask: What needs fixing?
        collects: [issue_type]
    fields:
      issue_type: {type: enum, values: [leak, other], required: true}
      floor: {type: integer}        # never asked, never read

Good:

    questions:
      - id: issue
        ask: What needs fixing, and on which floor?
        collects: [issue_type, floor]
`,
		Check: func(p *Pass) {
			asked := p.collected()
			read := map[string]bool{}
			for _, w := range p.checkedRules() {
				for _, r := range celenv.FieldReads(w.AST) {
					read[r.Name] = true
				}
			}
			// A rule that did not type-check may read anything; do not
			// guess.
			for i := range p.Spec.Handoff.Items {
				if i >= len(p.IR.Handoff) || p.IR.Handoff[i].Checked == nil {
					return
				}
			}
			for _, e := range p.Spec.Fields.Entries {
				name := e.Key.Value
				if e.Value.Required.Value || asked[name] || read[name] {
					continue
				}
				p.Report(e.Key.Range, "field %q is never asked for (no question collects it) and no handoff rule reads it; add it to a question's collects, use it in a rule, or remove it", name)
			}
		},
	})
}
