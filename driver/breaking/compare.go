package breaking

import (
	"slices"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/rules/catalog"
)

// Change is one difference between two versions of a workflow that a
// rule of the catalog describes.
type Change struct {
	// Workflow is the workflow's id.
	Workflow string
	// Finding is the rule, its default severity, the range in the new
	// spec (or, for a workflow whose file is gone, where it was) and the
	// message, which also says where the old node was.
	Finding diag.Finding
	// Summary is the change in public words, for the docs page: no
	// positions, no URLs.
	Summary Summary
}

// Summary is a sentence whose %s verbs stand for Names, which a page shows
// as code (field names, values, reasons).
type Summary struct {
	Format string
	Names  []string
}

// comparer compares one workflow's old and new contracts.
type comparer struct {
	old, new *contract
	// oldAt names a range of the old file in messages:
	// "main:workflows/x.yaml:12:3".
	oldAt   func(source.Range) string
	changes []Change
}

func (c *comparer) report(rule catalog.ID, at source.Range, sum Summary, format string, args ...any) {
	c.changes = append(c.changes, Change{Workflow: c.new.id.text, Finding: rule.At(at, format, args...), Summary: sum})
}

// compare reports every change from old to new.
func compare(old, new *contract, oldAt func(source.Range) string) []Change {
	c := &comparer{old: old, new: new, oldAt: oldAt}
	c.fields()
	c.nextAction()
	c.handoff()
	c.webhook()
	c.targets()
	return c.changes
}

// jsonType is the JSON type a value of kind k has in an event.
func jsonType(k celenv.Kind) string {
	switch k {
	case celenv.Number, celenv.Integer:
		return "number"
	case celenv.Boolean:
		return "boolean"
	case celenv.ListKind:
		return "array"
	}
	return "string"
}

// How a type relates to the one it replaces.
type relation int

const (
	same relation = iota
	// changed: another JSON type, or a string format whose values and the
	// old one's do not fit each other (date → datetime).
	changed
	// narrowed: the same JSON type, fewer valid values (text → enum).
	narrowed
	// widened: the same JSON type, more valid values (enum → text).
	widened
)

// relate says how kind b relates to kind a.
func relate(a, b celenv.Kind) relation {
	switch {
	case a == b:
		return same
	case jsonType(a) != jsonType(b):
		return changed
	case a == celenv.Integer && b == celenv.Number, b == celenv.Text:
		return widened
	case a == celenv.Number && b == celenv.Integer, a == celenv.Text:
		return narrowed
	}
	return changed
}

// relateTypes relates two field types, list items included.
func relateTypes(a, b fieldType) relation {
	if a.kind == celenv.ListKind && b.kind == celenv.ListKind {
		return relate(a.items, b.items)
	}
	return relate(a.kind, b.kind)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *comparer) fields() {
	var removed, added []*field
	for i := range c.old.fields {
		o := &c.old.fields[i]
		if n := c.new.field(o.name.text); n != nil {
			c.field(o, n)
		} else {
			removed = append(removed, o)
		}
	}
	for i := range c.new.fields {
		if c.old.field(c.new.fields[i].name.text) == nil {
			added = append(added, &c.new.fields[i])
		}
	}
	// A removed and an added field of the same type and description are
	// one field renamed. Without a description nothing tells a rename
	// from a removal and an addition.
	renamedTo := map[*field]bool{}
	for _, o := range removed {
		i := slices.IndexFunc(added, func(a *field) bool {
			return !renamedTo[a] && o.typed && a.typed && a.typ == o.typ && o.description != "" && a.description == o.description
		})
		if i >= 0 {
			to := added[i]
			renamedTo[to] = true
			c.report(catalog.FieldRenamed, to.name.at,
				Summary{"The field %s was renamed to %s.", []string{o.name.text, to.name.text}},
				"field %q was renamed to %q (same type and description; it was at %s): consumers that read %q get nothing, and %q is a name they do not know; keep the old name, or add the new field beside it and remove the old one once every consumer has moved",
				o.name.text, to.name.text, c.oldAt(o.name.at), o.name.text, to.name.text)
			continue
		}
		c.report(catalog.FieldRemoved, c.new.fieldsAt,
			Summary{"The field %s was removed.", []string{o.name.text}},
			"field %q (%s) was removed (it was at %s): consumers that read it get nothing, and code using the generated type no longer compiles; keep the field, optional if the call no longer asks for it, until no consumer reads it",
			o.name.text, o.typeWords(), c.oldAt(o.name.at))
	}
	for _, a := range added {
		if renamedTo[a] {
			continue
		}
		req := "optional"
		if a.required {
			req = "required"
		}
		c.report(catalog.FieldAdded, a.name.at,
			Summary{"The field %s was added (" + req + ").", []string{a.name.text}},
			"field %q (%s, %s) was added: consumers that validate events against the old schema (additionalProperties: false) refuse them; update their copy of the schema first",
			a.name.text, a.typeWords(), req)
	}
}

// field compares a field present in both versions.
func (c *comparer) field(o, n *field) {
	name := n.name.text
	sameType := o.typed && n.typed && o.typ == n.typ
	if o.typed && n.typed && !sameType {
		at, was := n.typeAt, c.oldAt(o.typeAt)
		if o.typ.kind == celenv.ListKind && n.typ.kind == celenv.ListKind {
			at, was = n.itemsAt, c.oldAt(o.itemsAt) // the items changed
		}
		ot, nt := o.typ, n.typ
		switch relateTypes(ot, nt) {
		case changed:
			c.report(catalog.FieldTypeChanged, at,
				Summary{"The field %s changed type from %s to %s.", []string{name, ot.String(), nt.String()}},
				"field %q changed type from %s to %s (it was at %s): every consumer that reads the value, and code using the generated type, breaks; add a field with the new type under a new name instead",
				name, ot, nt, was)
		case narrowed:
			c.report(catalog.FieldTypeChanged, at,
				Summary{"The field %s narrowed from %s to %s.", []string{name, ot.String(), nt.String()}},
				"field %q narrowed from %s to %s (it was at %s): values the platform sends that fit %s but not %s are now refused, so calls that completed go to a person or lose the value; add a field with the new type under a new name instead",
				name, ot, nt, was, ot, nt)
		case widened:
			c.report(catalog.FieldTypeWidened, at,
				Summary{"The field %s widened from %s to %s.", []string{name, ot.String(), nt.String()}},
				"field %q widened from %s to %s (it was at %s): consumers that validate against the old schema meet values it refused",
				name, ot, nt, was)
		}
	}
	c.required(o, n)
	if !sameType {
		return // the type change says it all: old values and limits do not apply
	}
	if n.typ.elem() == celenv.Enum {
		c.enumValues(o, n)
	}
	c.limits(o, n)
}

func (c *comparer) required(o, n *field) {
	name := n.name.text
	switch {
	case !o.required && n.required:
		c.report(catalog.FieldMadeRequired, n.requiredAt,
			Summary{"The field %s is now required.", []string{name}},
			"field %q is now required (it was optional at %s): calls that complete without it now go to a person as incomplete_call, and the generated Go type changes from a pointer to a value; keep it optional, and add a handoff rule if a person must follow up when it is missing",
			name, c.oldAt(o.name.at))
	case o.required && !n.required:
		at := n.requiredAt
		if !at.IsValid() {
			at = n.name.at
		}
		c.report(catalog.FieldMadeOptional, at,
			Summary{"The field %s is now optional: completed calls may leave it out.", []string{name}},
			"field %q is now optional (it was required at %s): completed events may leave it out, and the generated Go type changes to a pointer; keep it required",
			name, c.oldAt(o.requiredAt))
	}
}

func hasValue(vs []value, text string) bool {
	return slices.ContainsFunc(vs, func(v value) bool { return v.text == text })
}

func (c *comparer) enumValues(o, n *field) {
	name := n.name.text
	for _, v := range o.values {
		if !hasValue(n.values, v.text) {
			c.report(catalog.EnumValueRemoved, n.valuesAt,
				Summary{"The field %s no longer takes the value %s.", []string{name, v.text}},
				"enum field %q no longer has the value %q (it was at %s): consumers and code that use it, and events stored with it, break; keep the value, and tell the assistant not to choose it in the field's description",
				name, v.text, c.oldAt(v.at))
		}
	}
	for _, v := range n.values {
		if !hasValue(o.values, v.text) {
			c.report(catalog.EnumValueAdded, v.at,
				Summary{"The field %s takes the new value %s.", []string{name, v.text}},
				"enum field %q has the new value %q: consumers that validate against the old schema, or switch over its values without a default, do not know it",
				name, v.text)
		}
	}
}

// limits reports the limits of a field of unchanged type that became
// stricter: a limit added, lowered (max_length, max), raised (min) or a
// pattern added or changed.
func (c *comparer) limits(o, n *field) {
	name := n.name.text
	tightened := func(key string, at source.Range, oldSet bool, oldAt source.Range, was, is string) {
		before := "there was none"
		if oldSet {
			before = "it was " + was + " at " + c.oldAt(oldAt)
		}
		c.report(catalog.FieldLimitTightened, at,
			Summary{"The field %s has a stricter " + key + ": %s.", []string{name, is}},
			"%s of field %q is now %s (%s): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it",
			key, name, is, before)
	}
	if nv, ov := n.maxLength, o.maxLength; nv.set && (!ov.set || nv.v < ov.v) {
		tightened("max_length", nv.at, ov.set, ov.at, formatNumber(ov.v), formatNumber(nv.v))
	}
	if nv, ov := n.min, o.min; nv.set && (!ov.set || nv.v > ov.v) {
		tightened("min", nv.at, ov.set, ov.at, formatNumber(ov.v), formatNumber(nv.v))
	}
	if nv, ov := n.max, o.max; nv.set && (!ov.set || nv.v < ov.v) {
		tightened("max", nv.at, ov.set, ov.at, formatNumber(ov.v), formatNumber(nv.v))
	}
	if nv, ov := n.pattern, o.pattern; nv.set && (!ov.set || nv.text != ov.text) {
		tightened("pattern", nv.at, ov.set, ov.at, ov.text, nv.text)
	}
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (c *comparer) nextAction() {
	o, n := c.old.nextAction, c.new.nextAction
	if !o.set || o.text == "" || o.text == n.text {
		return
	}
	if !n.set || n.text == "" {
		c.report(catalog.NextActionRenamed, c.new.whole,
			Summary{"The next action %s was removed.", []string{o.text}},
			"next_action %q was removed (it was at %s): the service's method for it is no longer called; keep the next action",
			o.text, c.oldAt(o.at))
		return
	}
	c.report(catalog.NextActionRenamed, n.at,
		Summary{"The next action changed from %s to %s: the service must implement the new method.", []string{o.text, n.text}},
		"next_action changed from %q to %q (it was at %s): the service's method for %q is no longer called and one for %q must be implemented; keep %q, or roll out the service with the new method first",
		o.text, n.text, c.oldAt(o.at), o.text, n.text, o.text)
}

func hasReason(rs []reason, name string) bool {
	return slices.ContainsFunc(rs, func(r reason) bool { return r.name.text == name })
}

func (c *comparer) handoff() {
	var added []reason
	for _, r := range c.new.reasons {
		if !hasReason(c.old.reasons, r.name.text) {
			added = append(added, r)
		}
	}
	// A removed and an added reason whose rules have the same condition
	// are one reason renamed.
	renamed := map[string]bool{}
	for _, o := range c.old.reasons {
		if hasReason(c.new.reasons, o.name.text) {
			continue
		}
		i := slices.IndexFunc(added, func(a reason) bool {
			return !renamed[a.name.text] && o.when != "" && a.when == o.when
		})
		if i >= 0 {
			a := added[i]
			renamed[a.name.text] = true
			c.report(catalog.HandoffReasonRenamed, a.name.at,
				Summary{"The handoff reason %s was renamed to %s.", []string{o.name.text, a.name.text}},
				"handoff reason %q was renamed to %q (same `when`; it was at %s): consumers that route on %q never see it again; keep the old reason",
				o.name.text, a.name.text, c.oldAt(o.name.at), o.name.text)
			continue
		}
		c.report(catalog.HandoffReasonRemoved, c.new.handoffAt,
			Summary{"The handoff reason %s was removed.", []string{o.name.text}},
			"handoff reason %q was removed (it was at %s): consumers that route on it go quiet, and its calls arrive under another reason or complete; keep a rule with this reason",
			o.name.text, c.oldAt(o.name.at))
	}
	for _, a := range added {
		if renamed[a.name.text] {
			continue
		}
		c.report(catalog.HandoffReasonAdded, a.name.at,
			Summary{"The handoff reason %s was added.", []string{a.name.text}},
			"handoff reason %q was added: consumers that validate handoff events against the old schema, or route without a default, do not know it",
			a.name.text)
	}
}

func (c *comparer) webhook() {
	o, n := c.old.webhookURL, c.new.webhookURL
	if !o.set || !n.set || o.text == n.text {
		return
	}
	c.report(catalog.WebhookURLChanged, n.at,
		Summary{"The webhook address changed: every platform must be reconfigured.", nil},
		"webhook.url changed from %q to %q (it was at %s): every platform keeps posting to the old URL until its configuration is updated; serve the handler at both, reconfigure every target (callspec deploy), then retire the old URL",
		o.text, n.text, c.oldAt(o.at))
}

func (c *comparer) targets() {
	for _, t := range c.old.targets {
		if !hasValue(c.new.targets, t.text) {
			c.report(catalog.TargetRemoved, c.new.targetsAt,
				Summary{"The platform %s is no longer a target.", []string{t.text}},
				"target %q was removed (it was at %s): its configuration is no longer generated or deployed, so an agent still live there keeps a configuration nothing updates; retire it on the platform first",
				t.text, c.oldAt(t.at))
		}
	}
}
