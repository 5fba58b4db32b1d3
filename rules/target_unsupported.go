package rules

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/providers/configs"
	_ "github.com/callspec/callspec/providers/configs/allconfigs" // registers every platform's emitter
)

func init() {
	register(&Rule{
		ID:       "target-unsupported",
		Severity: diag.Warning,
		Summary:  "a target platform cannot express a field as declared, so its config uses the closest type",
		Doc: `
Each target gets its own configuration, in the platform's own types. Where a
platform has no matching type, callspec maps the field to the closest one and
the handler still checks the value against the spec, so a value the platform
could not constrain may be refused and the call handed to a person. Such a
loss, which the handler handles safely (a number or integer that Synthflow
extracts as text and the handler parses, an integer that Retell sends as a
number and the handler refuses when it has a fraction), is reported as
info; a warning is a value the platform cannot deliver at all (CallCow,
Phonely) or one that arrives changed (a list split on commas). The mapping
tables are in the providers package documentation (go doc
github.com/callspec/callspec/providers).

Examples: Synthflow extracts numbers with an open question, as free text;
Retell has no integer or list type; CallCow and Phonely have no typed
extraction at all. Spoken text counts too: Bland documents its first
message (first_sentence, the disclosure) as less than 200 characters, so a
longer disclosure is reported for a bland target.

Bad (annual_income arrives from Synthflow as free text such as "about 60k"):

    fields:
      annual_income: {type: number, min: 0}
    targets: [synthflow]

Good: target a platform that has the type, accept the loss with a
suppression that says why, or ask for the value in a form the platform
returns reliably:

    # callspec:ignore target-unsupported the handler parses digits; other answers go to a person
    targets: [synthflow]
`,
		Check: func(p *Pass) {
			if p.IR == nil {
				return
			}
			for _, t := range p.Spec.Targets.Items {
				if !t.Set {
					continue
				}
				prov, err := configs.Lookup(t.Value)
				if err != nil {
					continue // an unknown target is a schema finding
				}
				for _, l := range prov.Losses(p.IR) {
					if l.Field == "" {
						// Spoken text, not a field: the message says what.
						p.Report(t.Range, "target %s cannot take the spec as written: %s", t.Value, l.What)
						continue
					}
					if l.Safe {
						// The handler parses or refuses the value: worth
						// knowing, not a defect of the spec.
						p.ReportAs(diag.Info, t.Range, "target %s cannot express field %q as declared: %s", t.Value, l.Field, l.What)
						continue
					}
					p.Report(t.Range, "target %s cannot express field %q as declared: %s", t.Value, l.Field, l.What)
				}
			}
		},
	})
}
