package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.RelatedLink.Rule(),
		Check: func(p *Pass) {
			self := p.Spec.Workflow.ID.Value
			for _, r := range p.Spec.Docs.Related.Items {
				if !r.Set {
					continue
				}
				v := strings.TrimSpace(r.Value)
				switch {
				case strings.Contains(v, "://") || strings.Contains(v, "/") || strings.Contains(v, "."):
					if problem := httpsURLProblem("related link", v); problem != "" {
						p.Report(r.Range(), "%s; link to the page's https address", problem)
					}
				case !check.IsLowerSnake(v):
					p.Report(r.Range(), "related entry %q is neither a workflow id (lower_snake) nor an https URL", v)
				case v == self:
					p.Report(r.Range(), "related entry %q is this workflow itself; link to other workflows", v)
				default:
					// Resolved by CheckSet, once every file is known.
					p.ReferToWorkflow(v, r.Range())
				}
			}
		},
		CheckSet: func(p *SetPass) {
			for _, f := range p.Files {
				for _, ref := range f.Refs {
					if !p.KnownWorkflow(ref.ID) {
						p.Report(ref.At, "related workflow %q is not declared by any spec linted with this one%s", ref.ID,
							p.didYouMean(ref.ID, p.WorkflowIDs, "; check the id, or lint the whole workflows/ directory together"))
					}
				}
			}
		},
	})
}
