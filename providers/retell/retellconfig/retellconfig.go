// Package retellconfig is the build-time side of Retell AI: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package retell; see its documentation for the platform's sources.
package retellconfig

import (
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/retell"
)

func init() { configs.Register(Emitter{}) }

// Emitter is Retell AI's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return retell.Name }

// AnalysisItem is one post_call_analysis_data item.
type AnalysisItem struct {
	Type        string   `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Choices     []string `json:"choices,omitempty"`
	Examples    []string `json:"examples,omitempty"`
	Required    bool     `json:"required,omitempty"`
}

// LLMFile is the Retell LLM body's file name under providers/.
const LLMFile = "retell-llm.json"

// LLMIDPlaceholder stands for the Retell LLM's id in the agent body until
// deploy has created the LLM and knows it.
const LLMIDPlaceholder = "<retell llm_id: filled in by deploy>"

// LLM is the part of the Retell LLM create/update body callspec owns.
type LLM struct {
	StartSpeaker  string `json:"start_speaker"`
	BeginMessage  string `json:"begin_message"`
	GeneralPrompt string `json:"general_prompt"`
}

// ResponseEngine points the agent at a Retell LLM.
type ResponseEngine struct {
	Type  string `json:"type"`
	LLMID string `json:"llm_id"`
}

// AgentUpdate is the part of the agent update body callspec owns.
type AgentUpdate struct {
	ResponseEngine       ResponseEngine `json:"response_engine"`
	PostCallAnalysisData []AnalysisItem `json:"post_call_analysis_data"`
	WebhookURL           string         `json:"webhook_url"`
	WebhookEvents        []string       `json:"webhook_events"`
}

// itemType is the Retell item type of a spec type.
func itemType(k celenv.Kind) string {
	switch k {
	case celenv.Number, celenv.Integer:
		return "number"
	case celenv.Boolean:
		return "boolean"
	case celenv.Enum:
		return "enum"
	}
	return "string"
}

// Config implements configs.Emitter.
func (Emitter) Config(w *ir.Workflow) ([]byte, error) {
	hook, err := configtext.WebhookURL(w, retell.Name)
	if err != nil {
		return nil, err
	}
	u := AgentUpdate{
		ResponseEngine:       ResponseEngine{Type: "retell-llm", LLMID: LLMIDPlaceholder},
		PostCallAnalysisData: []AnalysisItem{}, WebhookURL: hook, WebhookEvents: []string{retell.WebhookEvent},
	}
	for i := range w.Fields {
		f := &w.Fields[i]
		it := AnalysisItem{Type: itemType(f.Type), Name: f.Name, Description: configtext.Description(w, f), Required: f.Required}
		switch it.Type {
		case "enum":
			it.Choices = append([]string{}, f.Values...)
		case "string":
			it.Examples = configtext.Examples(f)
			if f.Type == celenv.ListKind {
				it.Description += " Write the items separated by commas."
				it.Examples = nil
			}
		}
		u.PostCallAnalysisData = append(u.PostCallAnalysisData, it)
	}
	return configtext.JSON(u)
}

// ExtraConfigs implements configs.ExtraConfigs: the Retell LLM body.
func (Emitter) ExtraConfigs(w *ir.Workflow) ([]configs.ConfigFile, error) {
	b, err := configtext.JSON(LLM{StartSpeaker: "agent", BeginMessage: configtext.FirstMessage(w), GeneralPrompt: configtext.Prompt(w)})
	if err != nil {
		return nil, err
	}
	return []configs.ConfigFile{{Path: LLMFile, Content: b}}, nil
}

// Losses implements configs.Emitter.
func (Emitter) Losses(w *ir.Workflow) []configs.Loss {
	var out []configs.Loss
	for _, f := range w.Fields {
		switch f.Type {
		case celenv.Integer:
			out = append(out, configs.Loss{Field: f.Name, What: "integer is sent as a Retell number item, so the platform may return a fraction, which the handler refuses", Safe: true})
		case celenv.ListKind:
			out = append(out, configs.Loss{Field: f.Name, What: "a list is sent as a Retell string item and split on commas, so items that contain commas are split apart"})
		}
	}
	return out
}
