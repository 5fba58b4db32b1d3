package rules

import (
	"cel.dev/cel-go/common/ast"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.IdempotencyKey.Rule(),
		// Whether the key type-checks to a string is decided while checking
		// the spec (compiler/check); this looks at what it reads.
		Check: func(p *Pass) {
			if p.IR == nil || p.Idempotency == nil || p.IR.Webhook.IdempotencyChecked == nil {
				return
			}
			a := p.IR.Webhook.IdempotencyChecked.NativeRep()
			usesCallID := false
			var walk func(e ast.Expr, shadowed bool)
			walk = func(e ast.Expr, shadowed bool) {
				if r, ok := celenv.AsFieldRead(e, shadowed); ok {
					p.Report(p.Idempotency.SelectFieldRange(a, r.ID, r.Name),
						"idempotency_key reads fields.%s, but extracted fields can differ between retries of one call, which would turn one call into two events; build the key from call.id", r.Name)
					return
				}
				if celenv.IsVariable(e, "fields", shadowed) {
					p.Report(p.Idempotency.NodeRange(a, e.ID()),
						"idempotency_key reads fields, but extracted fields can differ between retries of one call; build the key from call.id")
					return
				}
				if e.Kind() == ast.SelectKind && e.AsSelect().FieldName() == "id" && celenv.IsVariable(e.AsSelect().Operand(), "call", false) {
					usesCallID = true
				}
				celenv.ForEachChild(e, shadowed, walk)
			}
			walk(a.Expr(), false)
			if !usesCallID {
				p.Report(p.Idempotency.Whole(), "idempotency_key does not use call.id, so different calls can get the same key and all but the first would be dropped as duplicates; include call.id, e.g. call.provider + \":\" + call.id")
			}
		},
	})
}
