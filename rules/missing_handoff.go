package rules

import (
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

// sensitiveTopics are words that, as a word of an enum value (split at _
// and -), mark a call a person should handle: a danger to someone, health,
// the law, money, or a grievance. Plurals match too (complaints,
// emergencies).
var sensitiveTopics = []string{
	"emergency", "danger", "injury", "medical", "health", "clinical", "medication",
	"suicide", "harm", "abuse", "harassment", "violence", "threat", "police",
	"legal", "lawsuit", "attorney", "lawyer",
	"payment", "billing", "refund", "fraud", "debt", "financial",
	"complaint", "dispute", "death", "bereavement",
}

func init() {
	register(&Rule{
		Rule: catalog.MissingHandoff.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil || p.IR.Env == nil {
				return
			}
			m := newFireCheck(p)
			if pii := p.piiFieldNames(); len(pii) > 0 && !m.anyCanFire() {
				e, _ := p.Spec.Fields.Get(pii[0])
				p.Report(e.Key.Range(), "field %q holds personal data (pii), but no handoff rule can fire, so no person can ever take over a call; add a handoff rule for the calls a person must handle", pii[0])
			}
			for _, e := range p.Spec.Fields.Entries {
				f, ok := p.IR.Field(e.Key.Value)
				if !ok || !workflow.ValuesApply(f.Elem()) {
					continue
				}
				for _, v := range e.Value.Values.Items {
					topic := sensitiveTopic(v.Value)
					if topic == "" || m.canFireOn(f.Name, f.Type == celenv.ListKind, v.Value) {
						continue
					}
					p.Report(v.Range(), "enum value %q of field %q names a sensitive topic (%s), but no handoff rule can fire when the caller chooses it; add a rule such as `%s` that hands the call to a person",
						v.Value, f.Name, topic, example(f.Name, f.Type == celenv.ListKind, v.Value))
				}
			}
		},
	})
}

func example(field string, list bool, value string) string {
	if list {
		return "\"" + value + "\" in fields." + field
	}
	return "fields." + field + " == \"" + value + "\""
}

// sensitiveTopic returns the sensitive word in an enum value, or "".
func sensitiveTopic(value string) string {
	for _, w := range strings.FieldsFunc(strings.ToLower(value), func(r rune) bool { return r == '_' || r == '-' || r == ' ' }) {
		if t, ok := sensitiveWordForms[w]; ok {
			return t
		}
	}
	return ""
}

// sensitiveWordForms maps each sensitive topic and its plurals (topic+s,
// topic+es, and y → ies) to the topic.
var sensitiveWordForms = func() map[string]string {
	forms := map[string]string{}
	// Backwards, so that the first topic of the list wins a clash, as it
	// did when the list was searched in order.
	for i := len(sensitiveTopics) - 1; i >= 0; i-- {
		t := sensitiveTopics[i]
		forms[t], forms[t+"s"], forms[t+"es"] = t, t, t
		if stem, ok := strings.CutSuffix(t, "y"); ok {
			forms[stem+"ies"] = t
		}
	}
	return forms
}()

// fireCheck decides whether handoff rules can fire, by partial evaluation:
// a rule is evaluated with only some fields known and everything else
// unknown, and can fire unless the result is false. Programs are planned
// on first use.
type fireCheck struct {
	p        *Pass
	programs map[int]cel.Program // nil entries: the rule did not check
}

func newFireCheck(p *Pass) *fireCheck {
	return &fireCheck{p: p, programs: map[int]cel.Program{}}
}

func (m *fireCheck) program(i int) cel.Program {
	prg, ok := m.programs[i]
	if !ok {
		if c := m.p.IR.Handoff[i].Checked; c != nil {
			prg, _ = m.p.IR.Env.CEL.Program(c, cel.EvalOptions(cel.OptPartialEval))
		}
		m.programs[i] = prg
	}
	return prg
}

// anyCanFire reports whether some rule can fire at all.
func (m *fireCheck) anyCanFire() bool {
	for i := range m.p.IR.Handoff {
		if m.mayFire(i, nil) {
			return true
		}
	}
	return false
}

// canFireOn reports whether a rule that reads field can fire when it holds
// value (a list holding value, for a list field).
func (m *fireCheck) canFireOn(field string, list bool, value string) bool {
	var v any = value
	if list {
		v = []any{value}
	}
	for i, r := range m.p.IR.Handoff {
		if r.Checked != nil && !readsField(r.Checked.NativeRep(), field) {
			continue
		}
		if m.mayFire(i, celenv.Values{field: v}) {
			return true
		}
	}
	return false
}

// mayFire evaluates rule i with the known fields and everything else
// unknown. A rule that did not type-check is assumed to fire: its errors
// are reported elsewhere, and guessing would add noise.
func (m *fireCheck) mayFire(i int, known celenv.Values) bool {
	prg := m.program(i)
	if prg == nil {
		return true
	}
	patterns := []*cel.AttributePatternType{cel.AttributePattern("call"), cel.AttributePattern("workflow")}
	for _, f := range m.p.IR.Fields {
		if _, ok := known[f.Name]; !ok {
			patterns = append(patterns, cel.AttributePattern("fields").QualString(f.Name))
		}
	}
	if known == nil {
		known = celenv.Values{}
	}
	act, err := cel.PartialVars(map[string]any{"fields": known}, patterns...)
	if err != nil {
		return true
	}
	out, _, err := prg.Eval(act)
	if err != nil {
		// At run time an error fails closed: the call goes to a person.
		return true
	}
	return out != types.False
}
