// Package callurlconfig is the build-time side of CallURL: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package callurl; see its documentation for the platform's sources.
package callurlconfig

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/callurl"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/configtext"
)

func init() { configs.Register(Emitter{}) }

// Emitter is CallURL's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return callurl.Name }

// Field is one field of the structured output schema.
type Field struct {
	Description string   `json:"description"`
	Name        string   `json:"name"`
	Required    bool     `json:"required"`
	Type        string   `json:"type"`
	Values      []string `json:"values,omitempty"`
	Items       string   `json:"items,omitempty"`
}

// Schema is the structured output schema of seeds 000 and 001.
type Schema struct {
	Outcome    string  `json:"outcome"`
	Fields     []Field `json:"fields"`
	WebhookURL string  `json:"webhook_url,omitempty"`
}

// Config implements configs.Emitter.
func (Emitter) Config(w *ir.Workflow) ([]byte, error) {
	hook, err := configtext.WebhookURL(w, callurl.Name)
	if err != nil {
		return nil, err
	}
	s := Schema{Outcome: w.Title + " outcome", Fields: []Field{}, WebhookURL: hook}
	for i := range w.Fields {
		f := &w.Fields[i]
		desc := f.Description
		if desc == "" {
			desc = configtext.Description(w, f)
		}
		cf := Field{Description: desc, Name: f.Name, Required: f.Required, Type: string(f.Type)}
		if workflow.ValuesApply(f.Elem()) {
			cf.Values = append([]string{}, f.Values...)
		}
		if f.Type == celenv.ListKind {
			cf.Items = string(f.Items)
		}
		s.Fields = append(s.Fields, cf)
	}
	return configtext.JSON(s)
}

// ParseSchema reads a structured output schema. The input may be the JSON
// itself or a text (such as a CallURL developer guide page) that contains
// it; the first JSON object with "outcome" and "fields" is taken.
func ParseSchema(data []byte) (*Schema, error) {
	try := func(b []byte) (*Schema, bool) {
		dec := json.NewDecoder(bytes.NewReader(b))
		var raw map[string]json.RawMessage
		if dec.Decode(&raw) != nil {
			return nil, false
		}
		if _, ok := raw["outcome"]; !ok {
			return nil, false
		}
		if _, ok := raw["fields"]; !ok {
			return nil, false
		}
		var s Schema
		if json.Unmarshal(mustJSON(raw), &s) != nil {
			return nil, false
		}
		return &s, true
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '{' {
			continue
		}
		if s, ok := try(data[i:]); ok {
			return s, nil
		}
	}
	return nil, errors.New("no structured output schema found: expected a JSON object with \"outcome\" and \"fields\" keys")
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// Losses implements configs.Emitter: CallURL's types are callspec's.
func (Emitter) Losses(*ir.Workflow) []configs.Loss { return nil }
