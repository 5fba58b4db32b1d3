package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
)

func init() {
	register(&Rule{
		ID:       "related-link",
		Severity: diag.Warning,
		Summary:  "docs.related names a workflow that is not in the linted set, or a link that is not https",
		Doc: `
The public docs page links to related workflows and pages. A workflow id
that no spec declares becomes a dead link, and a plain-http link sends
readers to a page anyone on the way can change. Ids are checked against
the workflows linted together, so lint the whole workflows/ directory;
linting one file alone reports every id of another file.

Bad:

    docs:
      related: [human_hand_off, "http://example.com/compliance"]

Good:

    docs:
      related: [human_handoff, "https://example.com/compliance"]
`,
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
						p.Report(r.Range, "%s; link to the page's https address", problem)
					}
				case !check.IsLowerSnake(v):
					p.Report(r.Range, "related entry %q is neither a workflow id (lower_snake) nor an https URL", v)
				case v == self:
					p.Report(r.Range, "related entry %q is this workflow itself; link to other workflows", v)
				default:
					// Resolved by CheckSet, once every file is known.
					p.ReferToWorkflow(v, r.Range)
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
