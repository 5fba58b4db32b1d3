package breaking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/breaking/catalog"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/runtime/celenv"
	"github.com/callspec/callspec/runtime/event"
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

// comparer compares one workflow's old and new syntax trees.
type comparer struct {
	old, new *spec.Spec
	// oldAt names a range of the old file in messages:
	// "main:workflows/x.yaml:12:3".
	oldAt   func(source.Range) string
	changes []Change
}

func (c *comparer) report(rule string, at source.Range, sum Summary, format string, args ...any) {
	r, ok := catalog.Lookup(rule)
	if !ok {
		panic("breaking: rule " + rule + " is not in the catalog")
	}
	c.changes = append(c.changes, Change{
		Workflow: c.new.Workflow.ID.Value,
		Finding:  diag.Finding{Rule: rule, Severity: r.Severity, Range: at, Message: fmt.Sprintf(format, args...)},
		Summary:  sum,
	})
}

// compare reports every change from old to new, in the order of the new
// spec's sections.
func compare(old, new *spec.Spec, oldAt func(source.Range) string) []Change {
	c := &comparer{old: old, new: new, oldAt: oldAt}
	c.fields()
	c.nextAction()
	c.handoff()
	c.webhook()
	c.targets()
	return c.changes
}

// wholeSpec is where a change without a node of its own in the new spec
// points: the `workflow:` key, or line 1.
func wholeSpec(s *spec.Spec) source.Range {
	if r := s.Workflow.KeyOrValue(); r.IsValid() {
		return r
	}
	return source.PointRange(s.File.Path, source.Pos{Line: 1, Col: 1})
}

// section is the key of a section of s, or the whole spec when s has none.
func section(s *spec.Spec, m spec.Meta) source.Range {
	if r := m.KeyOrValue(); r.IsValid() {
		return r
	}
	return wholeSpec(s)
}

// fieldType is a field's type as consumers see it: its kind, and for a
// list the kind of its items.
type fieldType struct {
	kind, items celenv.Kind
}

// typeOf returns f's type; ok is false when the type is missing or unknown
// (lint reports that), so nothing is said about it here.
func typeOf(f *spec.Field) (t fieldType, ok bool) {
	if !f.Type.Set || !slices.Contains(celenv.Kinds, celenv.Kind(f.Type.Value)) {
		return t, false
	}
	t.kind = celenv.Kind(f.Type.Value)
	if t.kind == celenv.ListKind {
		if !f.Items.Set || !slices.Contains(celenv.ItemKinds, celenv.Kind(f.Items.Value)) {
			return t, false
		}
		t.items = celenv.Kind(f.Items.Value)
	}
	return t, true
}

func (t fieldType) String() string {
	if t.kind == celenv.ListKind {
		return "list of " + string(t.items)
	}
	return string(t.kind)
}

// elem is the kind of the values: the items' for a list.
func (t fieldType) elem() celenv.Kind {
	if t.kind == celenv.ListKind {
		return t.items
	}
	return t.kind
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
	oldFields, newFields := c.old.Fields.Entries, c.new.Fields.Entries
	inNew := map[string]bool{}
	for _, e := range newFields {
		inNew[e.Key.Value] = true
	}
	var removed []*spec.Entry[spec.Field]
	for i := range oldFields {
		e := &oldFields[i]
		if n, ok := c.new.Fields.Get(e.Key.Value); ok {
			c.field(e, n)
		} else if e.Key.Value != "" {
			removed = append(removed, e)
		}
	}
	var added []*spec.Entry[spec.Field]
	for i := range newFields {
		if _, ok := c.old.Fields.Get(newFields[i].Key.Value); !ok && newFields[i].Key.Value != "" {
			added = append(added, &newFields[i])
		}
	}
	// A removed and an added field of the same type and description are
	// one field renamed. Without a description nothing tells a rename
	// from a removal and an addition.
	renamedTo := map[*spec.Entry[spec.Field]]bool{}
	for _, o := range removed {
		ot, ok := typeOf(&o.Value)
		desc := oneLine(o.Value.Description.Value)
		var to *spec.Entry[spec.Field]
		for _, a := range added {
			if at, ok2 := typeOf(&a.Value); ok && ok2 && !renamedTo[a] && desc != "" && at == ot && oneLine(a.Value.Description.Value) == desc {
				to = a
				break
			}
		}
		if to != nil {
			renamedTo[to] = true
			c.report(catalog.FieldRenamed, to.Key.Range,
				Summary{"The field %s was renamed to %s.", []string{o.Key.Value, to.Key.Value}},
				"field %q was renamed to %q (same type and description; it was at %s): consumers that read %q get nothing, and %q is a name they do not know; keep the old name, or add the new field beside it and remove the old one once every consumer has moved",
				o.Key.Value, to.Key.Value, c.oldAt(o.Key.Range), o.Key.Value, to.Key.Value)
			continue
		}
		c.report(catalog.FieldRemoved, section(c.new, c.new.Fields.Meta),
			Summary{"The field %s was removed.", []string{o.Key.Value}},
			"field %q (%s) was removed (it was at %s): consumers that read it get nothing, and code using the generated type no longer compiles; keep the field, optional if the call no longer asks for it, until no consumer reads it",
			o.Key.Value, typeWords(&o.Value), c.oldAt(o.Key.Range))
	}
	for _, a := range added {
		if renamedTo[a] {
			continue
		}
		req := "optional"
		if a.Value.Required.Value {
			req = "required"
		}
		c.report(catalog.FieldAdded, a.Key.Range,
			Summary{"The field %s was added (" + req + ").", []string{a.Key.Value}},
			"field %q (%s, %s) was added: consumers that validate events against the old schema (additionalProperties: false) refuse them; update their copy of the schema first",
			a.Key.Value, typeWords(&a.Value), req)
	}
}

// typeWords is a field's type for messages, as written when it is unknown.
func typeWords(f *spec.Field) string {
	if t, ok := typeOf(f); ok {
		return t.String()
	}
	return oneLine(f.Type.Value)
}

// field compares a field present in both versions.
func (c *comparer) field(o, n *spec.Entry[spec.Field]) {
	name := n.Key.Value
	of, nf := &o.Value, &n.Value
	ot, ok1 := typeOf(of)
	nt, ok2 := typeOf(nf)
	sameType := ok1 && ok2 && ot == nt
	if ok1 && ok2 && !sameType {
		at, was := nf.Type.Range, c.oldAt(of.Type.Range)
		if ot.kind == celenv.ListKind && nt.kind == celenv.ListKind {
			at, was = nf.Items.Range, c.oldAt(of.Items.Range) // the items changed
		}
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
	c.required(name, o, n)
	if !sameType {
		return // the type change says it all: old values and limits do not apply
	}
	if nt.elem() == celenv.Enum {
		c.enumValues(name, of, nf)
	}
	c.limits(name, of, nf, nt)
}

func (c *comparer) required(name string, o, n *spec.Entry[spec.Field]) {
	was, is := o.Value.Required.Value, n.Value.Required.Value
	switch {
	case !was && is:
		c.report(catalog.FieldMadeRequired, n.Value.Required.Range,
			Summary{"The field %s is now required.", []string{name}},
			"field %q is now required (it was optional at %s): calls that complete without it now go to a person as incomplete_call, and the generated Go type changes from a pointer to a value; keep it optional, and add a handoff rule if a person must follow up when it is missing",
			name, c.oldAt(o.Key.Range))
	case was && !is:
		at := n.Value.Required.Range
		if !n.Value.Required.Set {
			at = n.Key.Range
		}
		c.report(catalog.FieldMadeOptional, at,
			Summary{"The field %s is now optional: completed calls may leave it out.", []string{name}},
			"field %q is now optional (it was required at %s): completed events may leave it out, and the generated Go type changes to a pointer; keep it required",
			name, c.oldAt(o.Value.Required.Range))
	}
}

func (c *comparer) enumValues(name string, of, nf *spec.Field) {
	oldVals, newVals := setOf(of.Values), setOf(nf.Values)
	for _, v := range of.Values.Items {
		if v.Set && !newVals[v.Value] {
			c.report(catalog.EnumValueRemoved, section(c.new, nf.Values.Meta),
				Summary{"The field %s no longer takes the value %s.", []string{name, v.Value}},
				"enum field %q no longer has the value %q (it was at %s): consumers and code that use it, and events stored with it, break; keep the value, and tell the assistant not to choose it in the field's description",
				name, v.Value, c.oldAt(v.Range))
		}
	}
	for _, v := range nf.Values.Items {
		if v.Set && !oldVals[v.Value] {
			c.report(catalog.EnumValueAdded, v.Range,
				Summary{"The field %s takes the new value %s.", []string{name, v.Value}},
				"enum field %q has the new value %q: consumers that validate against the old schema, or switch over its values without a default, do not know it",
				name, v.Value)
		}
	}
}

func setOf(l spec.List[spec.String]) map[string]bool {
	m := make(map[string]bool, len(l.Items))
	for _, v := range l.Items {
		if v.Set {
			m[v.Value] = true
		}
	}
	return m
}

// limits reports the limits of a field of unchanged type that became
// stricter: a limit added, lowered (max_length, max), raised (min) or a
// pattern added or changed.
func (c *comparer) limits(name string, of, nf *spec.Field, t fieldType) {
	tightened := func(key string, at source.Range, old spec.Meta, was, is string) {
		before := "there was none"
		if old.Set {
			before = "it was " + was + " at " + c.oldAt(old.Range)
		}
		c.report(catalog.FieldLimitTightened, at,
			Summary{"The field %s has a stricter " + key + ": %s.", []string{name, is}},
			"%s of field %q is now %s (%s): values the platform sends that the old limit allowed are now invalid, so a call goes to a person or loses the value, and stored events fail the new schema; keep the old limit or loosen it",
			key, name, is, before)
	}
	if n, o := nf.MaxLength, of.MaxLength; n.Set && (!o.Set || n.Value < o.Value) {
		tightened("max_length", n.Range, o.Meta, strconv.FormatInt(o.Value, 10), strconv.FormatInt(n.Value, 10))
	}
	if n, o := nf.Min, of.Min; n.Set && (!o.Set || n.Value > o.Value) {
		tightened("min", n.Range, o.Meta, number(o.Value), number(n.Value))
	}
	if n, o := nf.Max, of.Max; n.Set && (!o.Set || n.Value < o.Value) {
		tightened("max", n.Range, o.Meta, number(o.Value), number(n.Value))
	}
	if n, o := nf.Pattern, of.Pattern; n.Set && (!o.Set || n.Value != o.Value) {
		tightened("pattern", n.Range, o.Meta, o.Value, n.Value)
	}
}

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (c *comparer) nextAction() {
	o, n := c.old.NextAction, c.new.NextAction
	if !o.Set || o.Value == "" || o.Value == n.Value {
		return
	}
	if !n.Set || n.Value == "" {
		c.report(catalog.NextActionRenamed, wholeSpec(c.new),
			Summary{"The next action %s was removed.", []string{o.Value}},
			"next_action %q was removed (it was at %s): the service's method for it is no longer called; keep the next action",
			o.Value, c.oldAt(o.Range))
		return
	}
	c.report(catalog.NextActionRenamed, n.Range,
		Summary{"The next action changed from %s to %s: the service must implement the new method.", []string{o.Value, n.Value}},
		"next_action changed from %q to %q (it was at %s): the service's method for %q is no longer called and one for %q must be implemented; keep %q, or roll out the service with the new method first",
		o.Value, n.Value, c.oldAt(o.Range), o.Value, n.Value, o.Value)
}

// reason is a handoff reason with the first rule that gives it.
type reason struct {
	name string
	rule *spec.HandoffRule
}

// reasons lists the distinct handoff reasons of s in order, without the
// built-in incomplete_call, which every workflow has.
func reasons(s *spec.Spec) []reason {
	var out []reason
	seen := map[string]bool{event.IncompleteCall: true, "": true}
	for i := range s.Handoff.Items {
		r := &s.Handoff.Items[i]
		if !seen[r.Reason.Value] {
			seen[r.Reason.Value] = true
			out = append(out, reason{r.Reason.Value, r})
		}
	}
	return out
}

func (c *comparer) handoff() {
	oldReasons, newReasons := reasons(c.old), reasons(c.new)
	has := func(rs []reason, name string) bool {
		return slices.ContainsFunc(rs, func(r reason) bool { return r.name == name })
	}
	var added []reason
	for _, r := range newReasons {
		if !has(oldReasons, r.name) {
			added = append(added, r)
		}
	}
	// A removed and an added reason whose rules have the same condition
	// are one reason renamed.
	renamed := map[string]bool{}
	for _, o := range oldReasons {
		if has(newReasons, o.name) {
			continue
		}
		when := oneLine(o.rule.When.Value)
		i := slices.IndexFunc(added, func(a reason) bool {
			return !renamed[a.name] && when != "" && oneLine(a.rule.When.Value) == when
		})
		if i >= 0 {
			a := added[i]
			renamed[a.name] = true
			c.report(catalog.HandoffReasonRenamed, a.rule.Reason.Range,
				Summary{"The handoff reason %s was renamed to %s.", []string{o.name, a.name}},
				"handoff reason %q was renamed to %q (same `when`; it was at %s): consumers that route on %q never see it again; keep the old reason",
				o.name, a.name, c.oldAt(o.rule.Reason.Range), o.name)
			continue
		}
		c.report(catalog.HandoffReasonRemoved, section(c.new, c.new.Handoff.Meta),
			Summary{"The handoff reason %s was removed.", []string{o.name}},
			"handoff reason %q was removed (it was at %s): consumers that route on it go quiet, and its calls arrive under another reason or complete; keep a rule with this reason",
			o.name, c.oldAt(o.rule.Reason.Range))
	}
	for _, a := range added {
		if renamed[a.name] {
			continue
		}
		c.report(catalog.HandoffReasonAdded, a.rule.Reason.Range,
			Summary{"The handoff reason %s was added.", []string{a.name}},
			"handoff reason %q was added: consumers that validate handoff events against the old schema, or route without a default, do not know it",
			a.name)
	}
}

func (c *comparer) webhook() {
	o, n := c.old.Webhook.URL, c.new.Webhook.URL
	if !o.Set || !n.Set || o.Value == n.Value {
		return
	}
	c.report(catalog.WebhookURLChanged, n.Range,
		Summary{"The webhook address changed: every platform must be reconfigured.", nil},
		"webhook.url changed from %q to %q (it was at %s): every platform keeps posting to the old URL until its configuration is updated; serve the handler at both, reconfigure every target (callspec deploy), then retire the old URL",
		o.Value, n.Value, c.oldAt(o.Range))
}

func (c *comparer) targets() {
	now := setOf(c.new.Targets)
	for _, t := range c.old.Targets.Items {
		if t.Set && !now[t.Value] {
			c.report(catalog.TargetRemoved, section(c.new, c.new.Targets.Meta),
				Summary{"The platform %s is no longer a target.", []string{t.Value}},
				"target %q was removed (it was at %s): its configuration is no longer generated or deployed, so an agent still live there keeps a configuration nothing updates; retire it on the platform first",
				t.Value, c.oldAt(t.Range))
		}
	}
}
