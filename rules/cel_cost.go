package rules

import (
	"math"
	"slices"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"

	"github.com/callspec/callspec/compiler/celpos"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

// MaxCELCost is the largest worst-case cost, in cel-go cost units (about
// one unit per primitive operation, one per ten characters scanned), that
// a handoff rule or idempotency key may have. Every delivery evaluates
// every rule, so a rule must stay far below a millisecond: 100,000 units
// admit contains() or matches() on texts of many thousand characters and
// a comprehension over a few hundred bounded items, but nothing unbounded.
const MaxCELCost = 100_000

func init() {
	register(&Rule{
		Rule: catalog.CELCost.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil || p.IR.Env == nil {
				return
			}
			for _, w := range p.checkedRules() {
				if readsUntyped(p, w.AST) {
					continue
				}
				checkCost(p, "`when` of handoff rule "+quoteName(w.Rule.Reason), w.Rule.Checked, w.Pos)
			}
			if p.Idempotency != nil && p.IR.Webhook.IdempotencyChecked != nil && !readsUntyped(p, p.IR.Webhook.IdempotencyChecked.NativeRep()) {
				checkCost(p, "idempotency_key", p.IR.Webhook.IdempotencyChecked, p.Idempotency)
			}
		},
	})
}

func quoteName(s string) string { return "\"" + s + "\"" }

// sizeEstimator gives cel-go the sizes the spec bounds.
type sizeEstimator struct {
	w *ir.Workflow
	// assumed are fields without a bound that are treated as size 1, to
	// find out which unbounded field makes a cost unbounded.
	assumed map[string]bool
	// itemsAssumed treats text items of lists as size 1.
	itemsAssumed bool
}

func (s *sizeEstimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (s *sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	path := n.Path()
	switch {
	case len(path) == 2 && (path[0] == "call" || path[0] == "workflow"):
		return upTo(celenv.CallStringMaxLength)
	case len(path) < 2 || path[0] != "fields":
		return nil
	}
	f, ok := s.w.Field(path[1])
	if !ok {
		return nil
	}
	switch {
	case len(path) == 2:
		if workflow.LengthUnitOf(f.Type) != workflow.NoLength {
			if n, _, ok := f.LengthLimit(); ok {
				return upTo(n)
			}
			if s.assumed[f.Name] {
				return upTo(1)
			}
			return nil
		}
		return typeBound(f.Type, f.Values)
	case len(path) == 3 && path[2] == "@items":
		if f.Items == celenv.Text {
			if s.itemsAssumed {
				return upTo(1)
			}
			return nil
		}
		return typeBound(f.Items, f.Values)
	}
	return nil
}

// typeBound is the size that a field type bounds by itself.
func typeBound(k celenv.Kind, values []string) *cost.SizeEstimate {
	if n, ok := workflow.TypeLengthBound(k, values); ok {
		return upTo(n)
	}
	return nil
}

func upTo(n int64) *cost.SizeEstimate {
	e := cost.RangedSizeEstimate(0, uint64(max(n, 0)))
	return &e
}

func estimate(checked *cel.Ast, est *sizeEstimator) uint64 {
	c, err := celenv.EstimateCost(checked, est)
	if err != nil {
		return math.MaxUint64
	}
	return c.Max
}

// checkCost reports an expression whose worst case exceeds MaxCELCost,
// naming the unbounded fields that cause it where there are any.
func checkCost(p *Pass, what string, checked *cel.Ast, pos *celpos.Expr) {
	worst := estimate(checked, &sizeEstimator{w: p.IR})
	if worst <= MaxCELCost {
		return
	}
	a := checked.NativeRep()
	// The fields without a bound that the expression reads, each with its
	// first read.
	var unbounded []string
	first := map[string]celenv.FieldRead{}
	for _, r := range celenv.FieldReads(a) {
		f, ok := p.IR.Field(r.Name)
		if _, _, limited := f.LengthLimit(); !ok || limited || workflow.LengthUnitOf(f.Type) == workflow.NoLength {
			continue
		}
		if _, dup := first[r.Name]; !dup && !r.TestOnly {
			first[r.Name] = r
			unbounded = append(unbounded, r.Name)
		}
	}
	// A field is a cause when the cost stays too large with every other
	// unbounded value assumed tiny.
	reported := false
	for _, name := range unbounded {
		others := map[string]bool{}
		for _, o := range unbounded {
			others[o] = o != name
		}
		if estimate(checked, &sizeEstimator{w: p.IR, assumed: others, itemsAssumed: true}) <= MaxCELCost {
			continue
		}
		f, _ := p.IR.Field(name)
		unit := workflow.LengthUnitOf(f.Type).Measure()
		r := first[name]
		where := pos.SelectFieldRange(a, r.ID, name)
		if r.Optional {
			where = pos.NodeRange(a, r.ID)
		}
		p.Report(where, "%s has no bounded cost because field %q has no max_length; add max_length to %q to bound %s", what, name, name, unit)
		reported = true
	}
	if reported {
		return
	}
	all := map[string]bool{}
	for _, o := range unbounded {
		all[o] = true
	}
	if estimate(checked, &sizeEstimator{w: p.IR, assumed: all, itemsAssumed: true}) <= MaxCELCost {
		if name, id, ok := textItemsRead(a, p.IR); ok {
			p.Report(pos.SelectFieldRange(a, id, name), "%s has no bounded cost because the items of list field %q are text of any length; compare items with == instead of string functions, or make the items an enum", what, name)
			return
		}
	}
	if worst == math.MaxUint64 {
		p.Report(pos.Whole(), "%s has no bounded cost; give every text and list field it reads a max_length, and avoid nested comprehensions", what)
		return
	}
	p.Report(pos.Whole(), "%s may cost up to %d units, more than the limit of %d; lower the max_length of the fields it reads or simplify it", what, worst, MaxCELCost)
}

// textItemsRead returns the first list-of-text field the expression reads.
func textItemsRead(a *ast.AST, w *ir.Workflow) (string, int64, bool) {
	reads := celenv.FieldReads(a)
	i := slices.IndexFunc(reads, func(r celenv.FieldRead) bool {
		f, ok := w.Field(r.Name)
		return ok && !r.TestOnly && f.Type == celenv.ListKind && f.Items == celenv.Text
	})
	if i < 0 {
		return "", 0, false
	}
	return reads[i].Name, reads[i].ID, true
}
