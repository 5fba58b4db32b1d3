// Package synthflowconfig is the build-time side of Synthflow: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package synthflow; see its documentation for the platform's sources.
package synthflowconfig

import (
	"strings"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/synthflow"
)

func init() { configs.Register(Emitter{}) }

// Emitter is Synthflow's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return synthflow.Name }

// Extractor is one information extractor: the inner object of a
// create-action body {"INFORMATION_EXTRACTOR": {<kind>: Extractor}}.
type Extractor struct {
	Identifier  string   `json:"identifier"`
	Description string   `json:"description"`
	Choices     []string `json:"choices,omitempty"`
	Examples    []string `json:"examples,omitempty"`
}

// Action is one create-action body (POST /v2/actions): the action kind,
// then the extractor kind, then the extractor.
type Action map[string]map[string]Extractor

// Agent is the part of an assistant's agent object callspec owns: the
// spoken text.
type Agent struct {
	GreetingMessage     string `json:"greeting_message"`
	GreetingMessageMode string `json:"greeting_message_mode"`
	Prompt              string `json:"prompt"`
}

// GreetingStatic makes the agent speak greeting_message as written.
const GreetingStatic = "agent_static"

// Config is synthflow.json.
type Config struct {
	Actions            []Action `json:"actions"`
	ExternalWebhookURL string   `json:"external_webhook_url"`
	Agent              Agent    `json:"agent"`
}

func extractorType(k celenv.Kind) string {
	switch k {
	case celenv.Boolean:
		return synthflow.YesNo
	case celenv.Enum:
		return synthflow.SingleChoice
	}
	return synthflow.OpenQuestion
}

// Config implements configs.Emitter.
func (Emitter) Config(w *ir.Workflow) ([]byte, error) {
	hook, err := configtext.WebhookURL(w, synthflow.Name)
	if err != nil {
		return nil, err
	}
	c := Config{
		Actions: []Action{}, ExternalWebhookURL: hook,
		Agent: Agent{GreetingMessage: configtext.FirstMessage(w), GreetingMessageMode: GreetingStatic, Prompt: configtext.Prompt(w)},
	}
	for i := range w.Fields {
		f := &w.Fields[i]
		// Synthflow's extractor has no question key: the question, then
		// what the value is and its format, is the description.
		question := configtext.Question(w, f.Name)
		if question == "" {
			question = "What is the caller's " + payload.Human(f.Name) + "?"
		}
		kind := extractorType(f.Type)
		x := Extractor{Identifier: f.Name, Description: strings.Join(append([]string{configtext.Sentence(question)}, configtext.Details(f)...), " ")}
		switch kind {
		case synthflow.SingleChoice:
			x.Choices = append([]string{}, f.Values...)
		case synthflow.OpenQuestion:
			x.Examples = configtext.Examples(f)
			if f.Type == celenv.ListKind {
				x.Description += " Write the items separated by commas."
			}
		}
		c.Actions = append(c.Actions, Action{synthflow.ExtractorKind: {kind: x}})
	}
	return configtext.JSON(c)
}

// Losses implements configs.Emitter.
func (Emitter) Losses(w *ir.Workflow) []configs.Loss {
	var out []configs.Loss
	for _, f := range w.Fields {
		switch f.Type {
		case celenv.Number:
			out = append(out, configs.Loss{Field: f.Name, What: "number is extracted by an open question as free text; the handler parses digits but refuses answers such as \"about 60k\"", Safe: true})
		case celenv.Integer:
			out = append(out, configs.Loss{Field: f.Name, What: "integer is extracted by an open question as free text; the handler parses digits but refuses words and fractions", Safe: true})
		case celenv.ListKind:
			out = append(out, configs.Loss{Field: f.Name, What: "a list is extracted by an open question as free text and split on commas, so items that contain commas are split apart"})
		}
	}
	return out
}
