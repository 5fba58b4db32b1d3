package rules

import (
	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "duplicate-workflow-id",
		Severity: diag.Error,
		Summary:  "two spec files declare the same workflow id",
		Doc: `
The workflow id names the generated directory, the Go package, the webhook
route (/hooks/<id>/<provider>) and the events' workflow_id. Two specs with one
id would overwrite each other's output and mix their calls.

Bad (in two files):

    workflow: {id: intake, title: Intake, goal: Report a problem}

Good:

    workflow: {id: maintenance_intake, title: Intake, goal: Report a problem}
`,
		CheckSet: func(p *SetPass) {
			first := map[string]*check.Unit{}
			for _, u := range p.Units {
				id := u.Spec.Workflow.ID
				if !id.Set || id.Value == "" {
					continue
				}
				if prev, dup := first[id.Value]; dup {
					at := prev.Spec.Workflow.ID.Range
					p.Report(id.Range, "workflow id %q is already used by %s:%d:%d; ids must be unique across the repository",
						id.Value, at.File, at.Start.Line, at.Start.Col)
					continue
				}
				first[id.Value] = u
			}
		},
	})
}
