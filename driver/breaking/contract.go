package breaking

import (
	"slices"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// contract is what a workflow promises the systems that consume it, with
// where each part is written: the part of a syntax tree that the rules
// compare. It holds no YAML node, so a comparison keeps one small contract
// per workflow instead of two syntax trees.
type contract struct {
	id value
	// whole is where a change without a node of its own points: the
	// `workflow:` key, or line 1.
	whole source.Range
	// fieldsAt, handoffAt and targetsAt are the keys of those sections
	// (whole when a section is missing).
	fieldsAt, handoffAt, targetsAt source.Range
	fields                         []field
	nextAction                     value
	// reasons are the distinct handoff reasons in order, without the
	// built-in incomplete_call, which every workflow has.
	reasons    []reason
	webhookURL value
	targets    []value
}

// value is a scalar as written, and where.
type value struct {
	text string
	set  bool
	at   source.Range
}

// number is a numeric option as written, and where.
type number struct {
	v   float64
	set bool
	at  source.Range
}

type field struct {
	name value
	// typ is the field's type; typed is false when it is missing or
	// unknown (lint reports that), so nothing is said about it.
	typ      fieldType
	typed    bool
	typeAt   source.Range
	itemsAt  source.Range
	typeText string
	values   []value
	valuesAt source.Range
	required bool
	// requiredAt is the `required:` value; not valid when the key is
	// absent.
	requiredAt  source.Range
	description string
	maxLength   number
	min, max    number
	pattern     value
}

type reason struct {
	name value
	when string
}

func valueOf(s spec.String) value { return value{s.Value, s.Set, s.Range()} }

func valuesOf(l spec.List[spec.String]) []value {
	out := make([]value, 0, len(l.Items))
	for _, s := range l.Items {
		if s.Set {
			out = append(out, valueOf(s))
		}
	}
	return out
}

// contractOf reads the contract of a loaded spec.
func contractOf(s *spec.Spec) *contract {
	c := &contract{id: valueOf(s.Workflow.ID), whole: s.Workflow.KeyOrValue()}
	if !c.whole.IsValid() {
		c.whole = source.PointRange(s.File.Path, source.Pos{Line: 1, Col: 1})
	}
	section := func(m spec.Meta) source.Range {
		if r := m.KeyOrValue(); r.IsValid() {
			return r
		}
		return c.whole
	}
	c.fieldsAt, c.handoffAt, c.targetsAt = section(s.Fields.Meta), section(s.Handoff.Meta), section(s.Targets.Meta)
	c.fields = make([]field, 0, len(s.Fields.Entries))
	for _, e := range s.Fields.Entries {
		if e.Key.Value == "" || slices.ContainsFunc(c.fields, func(f field) bool { return f.name.text == e.Key.Value }) {
			continue // a duplicate key is lint's; the first one counts
		}
		f := &e.Value
		fd := field{
			name:        valueOf(e.Key),
			typeAt:      f.Type.Range(),
			itemsAt:     f.Items.Range(),
			typeText:    f.Type.Value,
			values:      valuesOf(f.Values),
			valuesAt:    section(f.Values.Meta),
			required:    f.Required.Value,
			requiredAt:  f.Required.Range(),
			description: oneLine(f.Description.Value),
			maxLength:   number{float64(f.MaxLength.Value), f.MaxLength.Set, f.MaxLength.Range()},
			min:         number{f.Min.Value, f.Min.Set, f.Min.Range()},
			max:         number{f.Max.Value, f.Max.Set, f.Max.Range()},
			pattern:     valueOf(f.Pattern),
		}
		if !f.Values.Meta.KeyOrValue().IsValid() {
			fd.valuesAt = e.Key.Range()
		}
		fd.typ, fd.typed = typeOf(f)
		c.fields = append(c.fields, fd)
	}
	c.nextAction = valueOf(s.NextAction)
	seen := map[string]bool{event.IncompleteCall: true, "": true}
	for _, r := range s.Handoff.Items {
		if !seen[r.Reason.Value] {
			seen[r.Reason.Value] = true
			c.reasons = append(c.reasons, reason{valueOf(r.Reason), oneLine(r.When.Value)})
		}
	}
	c.webhookURL = valueOf(s.Webhook.URL)
	c.targets = valuesOf(s.Targets)
	return c
}

func (c *contract) field(name string) *field {
	for i := range c.fields {
		if c.fields[i].name.text == name {
			return &c.fields[i]
		}
	}
	return nil
}

// fieldType is a field's type as consumers see it: its kind, and for a
// list the kind of its items.
type fieldType struct {
	kind, items celenv.Kind
}

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

func (t fieldType) String() string { return t.field().TypeName() }

// elem is the kind of the values: the items' for a list.
func (t fieldType) elem() celenv.Kind { return t.field().Elem() }

func (t fieldType) field() *workflow.Field { return &workflow.Field{Type: t.kind, Items: t.items} }

// typeWords is a field's type for messages, as written when it is unknown.
func (f *field) typeWords() string {
	if f.typed {
		return f.typ.String()
	}
	return oneLine(f.typeText)
}
