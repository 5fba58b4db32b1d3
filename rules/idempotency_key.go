package rules

import (
	"cel.dev/cel-go/common/ast"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/celenv"
)

func init() {
	register(&Rule{
		ID:       "idempotency-key",
		Severity: diag.Error,
		Summary:  "webhook.idempotency_key is not a string, does not use call.id, or reads fields",
		Doc: `
Platforms retry deliveries, and the handler must turn every retry of one
call into the same single event. The idempotency key decides what counts as
"the same call": two deliveries with one key are one call. The key is CEL
over call and workflow and must be a string (default: call.id).

It must use call.id: a key made only of call.provider, workflow.id or a
constant is the same for every call, so the second call of the day would be
dropped as a duplicate of the first. It must not read fields: extraction is
done by a language model, and a retry may carry slightly different values,
which would turn one call into two events.

Bad:

    webhook:
      idempotency_key: workflow.id + ":" + fields.callback_phone

Good:

    webhook:
      idempotency_key: call.provider + ":" + call.id
`,
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
