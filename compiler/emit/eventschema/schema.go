// Package eventschema emits the JSON Schemas (draft 2020-12) of a workflow's
// canonical events: outcome.schema.json for call_app.completed and
// handoff.schema.json for call_app.handoff. Schemas are built with
// github.com/invopop/jsonschema's model, by hand, because their shape comes
// from the spec rather than from Go types.
package eventschema

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// Draft is the JSON Schema dialect of every emitted schema.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Personal data is marked with standard keywords only, because validators
// in strict mode (Ajv's default) refuse a schema with a keyword they do
// not know, such as an "x-pii" extension:
//
//   - PIIDef names the definition under "$defs" whose enum lists the
//     fields that hold personal data (pii: true in the spec), for code that
//     redacts: schema["$defs"]["pii_fields"]["enum"];
//   - each such field's schema says so in "$comment" (PIIComment), for
//     people reading the schema.
//
// Neither changes what validates.
const (
	PIIDef     = "pii_fields"
	PIIComment = "pii: personal data (pii: true in the spec); listed in $defs.pii_fields"
)

// Outcome returns the schema of the completed event of w.
func Outcome(w *ir.Workflow) ([]byte, error) { return marshal(outcomeSchema(w)) }

// Handoff returns the schema of the handoff event of w.
func Handoff(w *ir.Workflow) ([]byte, error) { return marshal(handoffEventSchema(w)) }

func outcomeSchema(w *ir.Workflow) *jsonschema.Schema {
	s := envelope(w, event.Completed, "outcome")
	s.Title = w.Title + ": completed call"
	s.Description = "The call_app.completed event of workflow " + w.ID + ": the call took place, no handoff rule is true, every rule could be decided, and every required field was collected and valid. Invalid optional values and placeholders such as N/A are left out of fields."
	s.Properties.Set("fields", fieldsSchema(w, true))
	s.Properties.Set("next_action", &jsonschema.Schema{Const: w.NextAction, Description: "The one action to take after this call."})
	s.Required = append(s.Required, "next_action")
	return s
}

func handoffEventSchema(w *ir.Workflow) *jsonschema.Schema {
	s := envelope(w, event.Handoff, "handoff")
	s.Title = w.Title + ": handoff to a person"
	s.Description = "The call_app.handoff event of workflow " + w.ID + ", decided in this order: the platform says the call failed or was never answered (call_failed, no_answer); else the first handoff rule that is true, even when the call is also incomplete; else, when a required field is missing or invalid or a rule could not be decided, incomplete_call."
	s.Properties.Set("fields", fieldsSchema(w, false))
	s.Properties.Set("handoff", handoffSchema(w))
	s.Required = append(s.Required, "handoff")
	return s
}

func envelope(w *ir.Workflow, eventType, kind string) *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("event", &jsonschema.Schema{Const: eventType})
	props.Set("workflow_id", &jsonschema.Schema{Const: w.ID})
	props.Set("call", callSchema())
	props.Set("caller", object(props1("phone_e164", &jsonschema.Schema{
		Type: "string", Pattern: workflow.E164Pattern,
		Description: "The caller's number in E.164; absent when the platform gave none or a number that is not E.164.",
	}), nil))
	props.Set("idempotency_key", &jsonschema.Schema{Type: "string", MinLength: uint64p(1), Description: "Stable across the platform's retries of one delivery."})
	props.Set("signature_status", &jsonschema.Schema{Type: "string", Enum: []any{event.SignatureVerified, event.SignatureURLToken, event.SignatureSharedSecret, event.SignatureUnsigned}})
	var defs jsonschema.Definitions
	if pii := piiFields(w); len(pii) > 0 {
		defs = jsonschema.Definitions{PIIDef: {
			Type: "string", Enum: pii,
			Description: "The names of the fields that hold personal data (pii: true in the spec): keep their values out of logs, analytics and systems that do not need them. caller.phone_e164 is personal data too.",
		}}
	}
	return &jsonschema.Schema{
		Definitions:          defs,
		Version:              Draft,
		ID:                   jsonschema.ID("urn:callspec:" + w.ID + ":" + kind),
		Type:                 "object",
		Properties:           props,
		Required:             []string{"event", "workflow_id", "call", "caller", "fields", "idempotency_key", "signature_status"},
		AdditionalProperties: jsonschema.FalseSchema,
	}
}

// piiFields lists the names of w's pii fields, in declaration order.
func piiFields(w *ir.Workflow) []any {
	var names []any
	for _, f := range w.Fields {
		if f.PII {
			names = append(names, f.Name)
		}
	}
	return names
}

func callSchema() *jsonschema.Schema {
	str := func(desc string) *jsonschema.Schema { return &jsonschema.Schema{Type: "string", Description: desc} }
	props := jsonschema.NewProperties()
	props.Set("id", &jsonschema.Schema{Type: "string", MinLength: uint64p(1), Description: "The platform's call id."})
	props.Set("provider", str("The platform that took the call."))
	props.Set("status", str("Canonical call status (completed, no_answer, busy, failed, …); unknown platform values pass through."))
	props.Set("end_reason", str("Why the call ended, as mapped from the platform."))
	props.Set("direction", &jsonschema.Schema{Type: "string", Enum: []any{"inbound", "outbound"}})
	props.Set("started_at", &jsonschema.Schema{Type: "string", Format: "date-time"})
	props.Set("duration_s", &jsonschema.Schema{Type: "integer", Minimum: "0"})
	return object(props, []string{"id", "provider", "status", "duration_s"})
}

func props1(name string, s *jsonschema.Schema) *orderedmap.OrderedMap[string, *jsonschema.Schema] {
	p := jsonschema.NewProperties()
	p.Set(name, s)
	return p
}

func object(props *orderedmap.OrderedMap[string, *jsonschema.Schema], required []string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object", Properties: props, Required: required, AdditionalProperties: jsonschema.FalseSchema}
}

// fieldsSchema lists every declared field; only a completed call is known
// to hold every required one.
func fieldsSchema(w *ir.Workflow, requireAll bool) *jsonschema.Schema {
	props := jsonschema.NewProperties()
	var required []string
	for _, f := range w.Fields {
		props.Set(f.Name, FieldSchema(&f))
		if requireAll && f.Required {
			required = append(required, f.Name)
		}
	}
	s := object(props, required)
	s.Description = "The values collected on the call, validated against the workflow's fields."
	return s
}

// FieldSchema is the JSON Schema of one field's value.
func FieldSchema(f *ir.Field) *jsonschema.Schema {
	var s *jsonschema.Schema
	if f.Type == celenv.ListKind {
		s = &jsonschema.Schema{Type: workflow.SchemaType(f.Type), Items: valueSchema(&f.Field, f.Items)}
		if n, _, ok := f.LengthLimit(); ok {
			s.MaxItems = uint64p(uint64(n))
		}
	} else {
		s = valueSchema(&f.Field, f.Type)
	}
	s.Description = f.Description
	if len(f.Examples) > 0 {
		s.Examples = f.Examples
	}
	if f.PII {
		s.Comments = PIIComment
	}
	return s
}

func valueSchema(f *workflow.Field, kind celenv.Kind) *jsonschema.Schema {
	format := workflow.FormatOf(kind)
	s := &jsonschema.Schema{Type: workflow.SchemaType(kind), Format: format.SchemaFormat, Pattern: format.SchemaPattern}
	switch {
	case workflow.RangeApplies(kind):
		if f.Min != nil {
			s.Minimum = number(*f.Min)
		}
		if f.Max != nil {
			s.Maximum = number(*f.Max)
		}
	case workflow.ValuesApply(kind):
		s.Enum = make([]any, len(f.Values))
		for i, v := range f.Values {
			s.Enum[i] = v
		}
	case workflow.PatternApplies(kind):
		// A list's max_length counts its items (FieldSchema), not the
		// length of each text item.
		if n, unit, ok := f.LengthLimit(); ok && unit == workflow.CodePoints {
			s.MaxLength = uint64p(uint64(n))
		}
		s.Pattern = f.Pattern
	}
	return s
}

func handoffSchema(w *ir.Workflow) *jsonschema.Schema {
	// The spec's rules, each reason once, then the built-in reasons.
	rules := []any{}
	for _, r := range w.Handoff {
		if !slices.Contains(rules, any(r.Reason)) {
			rules = append(rules, r.Reason)
		}
	}
	reasons := slices.Clone(rules)
	for _, r := range event.BuiltinReasons {
		if !slices.Contains(reasons, any(r)) {
			reasons = append(reasons, r)
		}
	}
	names := []any{}
	for _, f := range w.Fields {
		names = append(names, f.Name)
	}
	props := jsonschema.NewProperties()
	props.Set("handoff_reason", &jsonschema.Schema{Type: "string", Enum: reasons,
		Description: "Why a person takes over: a handoff rule's reason; call_failed or no_answer when the platform says the call failed or was never answered; incomplete_call when no rule is true and a required field is missing or invalid, or a rule could not be decided. The first step of that order that applies decides."})
	props.Set("severity", &jsonschema.Schema{Type: "string", Enum: []any{"info", "normal", "urgent"}})
	props.Set("owner", &jsonschema.Schema{Type: "string"})
	props.Set("notify", &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "string"}})
	props.Set("caller_message", &jsonschema.Schema{Type: "string", MinLength: uint64p(1)})
	fieldName := &jsonschema.Schema{Type: "string", Enum: names}
	props.Set("missing_fields", &jsonschema.Schema{Type: "array", Items: fieldName,
		Description: "Required fields the call did not produce (a placeholder such as N/A counts as not produced), on every handoff."})
	problem := jsonschema.NewProperties()
	problem.Set("field", fieldName)
	problem.Set("reason", &jsonschema.Schema{Type: "string"})
	props.Set("invalid_fields", &jsonschema.Schema{Type: "array", Items: object(problem, []string{"field", "reason"}),
		Description: "Required fields whose values were refused, without the values, on every handoff. An invalid optional value is left out of fields and not listed."})
	ruleName := &jsonschema.Schema{Type: "string"}
	if len(rules) > 0 {
		ruleName.Enum = rules
	}
	props.Set("undecided_rules", &jsonschema.Schema{Type: "array", Items: ruleName,
		Description: "Handoff rules, by reason in rule order, that could not be decided because they read a value the call did not produce."})
	s := object(props, []string{"handoff_reason", "severity", "notify", "caller_message", "missing_fields", "invalid_fields", "undecided_rules"})
	s.Description = "Who takes over, how urgently, and what the caller was told."
	return s
}

func number(v float64) json.Number {
	return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
}

func uint64p(v uint64) *uint64 { return &v }

func marshal(s *jsonschema.Schema) ([]byte, error) {
	if b, ok := encode(s); ok {
		return b, nil
	}
	return marshalLibrary(s)
}

// marshalLibrary is marshal through encoding/json and the library's
// MarshalJSON, for a schema encode does not cover.
func marshalLibrary(s *jsonschema.Schema) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
