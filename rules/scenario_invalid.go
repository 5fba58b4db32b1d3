package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.ScenarioInvalid.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil || !p.Spec.Tests.Set {
				return
			}
			validator := scenarioValidator(p)
			for i := range p.Spec.Tests.Items {
				t := &p.Spec.Tests.Items[i]
				if validator != nil {
					checkScenarioFields(p, validator, t)
				}
				if sa := t.Call.StartedAt; sa.Set {
					if _, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(sa.Value)); err != nil {
						p.Report(sa.Range(), "scenario %q: call.started_at is not an RFC 3339 time; write it like 2025-10-27T09:59:46Z", t.Name.Value)
					}
				}
				checkExpectation(p, t)
			}
		},
	})
}

// scenarioValidator is the run-time validator of the spec's fields (the
// handoff rules do not matter here, and their errors are reported by the
// CEL rules). It returns nil when a field did not check, since every
// scenario would then look wrong.
func scenarioValidator(p *Pass) *workflow.Validator {
	if len(p.IR.Fields) != len(p.Spec.Fields.Entries) {
		return nil
	}
	v, err := workflow.NewValidator(p.definition())
	if err != nil {
		return nil
	}
	return v
}

func checkScenarioFields(p *Pass, c *workflow.Validator, t *spec.Scenario) {
	name := t.Name.Value
	raw := make(map[string]any, len(t.Fields.Entries))
	byName := map[string]*spec.Entry[spec.Value]{}
	for i := range t.Fields.Entries {
		e := &t.Fields.Entries[i]
		raw[e.Key.Value] = e.Value.Interface()
		byName[e.Key.Value] = e
	}
	v := c.Validate(raw)
	for _, u := range v.Unknown {
		e := byName[u]
		p.Report(e.Key.Range(), "scenario %q sets %q, which is not a declared field, and the handler would drop it%s", name, u, p.didYouMean(u, p.fieldNames(), "; remove it or declare the field"))
	}
	for _, inv := range v.Refused() {
		e := byName[inv.Field]
		where, reason := e.Value.Where(), inv.Reason
		// "item 2: …" points at the item of a list.
		if n, rest, ok := listItemReason(inv.Reason); ok && e.Value.Node != nil && e.Value.Node.Kind == yaml.SequenceNode && n <= len(e.Value.Node.Content) {
			where = p.Spec.File.NodeRange(e.Value.Node.Content[n-1])
			reason = fmt.Sprintf("item %d is %s", n, rest)
		}
		verb := "refuses"
		if f, ok := p.IR.Field(inv.Field); ok && !f.Required {
			verb = "leaves out" // an invalid optional value is dropped with a note
		}
		p.Report(where, "scenario %q gives field %q a value the handler %s (%s)%s", name, inv.Field, verb, reason, valueHint(p, inv.Field))
	}
	if t.Kind.Value != ir.KindIncomplete && len(v.Missing) > 0 {
		where := t.Fields.KeyOrValue()
		if !t.Fields.Set {
			where = t.Name.KeyOrValue()
		}
		if !where.IsValid() {
			where = t.Range()
		}
		noun := "field"
		if len(v.Missing) > 1 {
			noun = "fields"
		}
		p.Report(where, "scenario %q of kind %s lacks required %s %s; only an incomplete scenario may leave required fields out", name, t.Kind.Value, noun, quoteList(v.Missing))
	}
}

// listItemReason splits the validator's "item N: why" reasons.
func listItemReason(reason string) (int, string, bool) {
	rest, ok := strings.CutPrefix(reason, "item ")
	if !ok {
		return 0, "", false
	}
	num, why, ok := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 {
		return 0, "", false
	}
	return n, why, true
}

// valueHint says which values a field accepts, for enum fields.
func valueHint(p *Pass, field string) string {
	f, ok := p.IR.Field(field)
	if !ok || len(f.Values) == 0 {
		return "; use a value the field accepts"
	}
	return "; use one of " + strings.Join(f.Values, ", ")
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func checkExpectation(p *Pass, t *spec.Scenario) {
	ex := t.Expect
	if !ex.Set {
		return // a missing expect is a schema finding
	}
	name := t.Name.Value
	na, ho := ex.NextAction, ex.Handoff
	switch {
	case na.Set && ho.Set:
		p.Report(ho.Range(), "scenario %q expects both next_action and handoff, but a call ends in exactly one of them; keep the one this scenario should produce", name)
		return
	case !na.Set && !ho.Set:
		p.Report(ex.KeyOrValue(), "scenario %q expects neither next_action nor handoff; say which outcome it should produce", name)
		return
	}
	if na.Set {
		if want := p.Spec.NextAction; want.Set && na.Value != want.Value {
			p.Report(na.Range(), "scenario %q expects next_action %q, but the spec's next_action is %q; a completed call always ends in it", name, na.Value, want.Value)
		}
		if ex.Severity.Set {
			p.Report(ex.Severity.KeyOrValue(), "scenario %q gives a severity, but severity only applies to a handoff; remove it or expect a handoff", name)
		}
		return
	}
	var reasons []string
	for _, r := range p.Spec.Handoff.Items {
		if r.Reason.Set {
			reasons = append(reasons, r.Reason.Value)
		}
	}
	reasons = append(reasons, event.BuiltinReasons...)
	if !contains(reasons, ho.Value) {
		p.Report(ho.Range(), "scenario %q expects handoff %q, which is neither a declared handoff reason nor one callspec decides itself (%s)%s", name, ho.Value,
			strings.Join(event.BuiltinReasons, ", "), p.didYouMean(ho.Value, reasons, "; use "+quoteList(reasons)))
	}
}
