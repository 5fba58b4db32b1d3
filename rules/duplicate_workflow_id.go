package rules

import (
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.DuplicateWorkflowID.Rule(),
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
