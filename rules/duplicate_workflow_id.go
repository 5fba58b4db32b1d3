package rules

import (
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
			first := map[string]*FileFacts{}
			for _, f := range p.Files {
				if f.Workflow == "" {
					continue
				}
				if prev, dup := first[f.Workflow]; dup {
					at := prev.WorkflowAt
					p.Report(f.WorkflowAt, "workflow id %q is already used by %s:%d:%d; ids must be unique across the repository",
						f.Workflow, at.File, at.Start.Line, at.Start.Col)
					continue
				}
				first[f.Workflow] = f
			}
		},
	})
}
