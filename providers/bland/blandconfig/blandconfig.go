// Package blandconfig is the build-time side of Bland AI: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package bland; see its documentation for the platform's sources.
package blandconfig

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/bland"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/payload"
)

func init() { configs.Register(Emitter{}) }

// Emitter is Bland AI's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return bland.Name }

// CallRequest is the part of the send-call body callspec owns.
type CallRequest struct {
	FirstSentence  string              `json:"first_sentence"`
	Task           string              `json:"task"`
	AnalysisSchema *configtext.Ordered `json:"analysis_schema"`
	SummaryPrompt  string              `json:"summary_prompt"`
	Webhook        string              `json:"webhook"`
	Metadata       map[string]string   `json:"metadata"`
}

// Hint is the analysis_schema hint of a type.
func Hint(k, items celenv.Kind, values []string) string {
	format := workflow.FormatOf(k)
	switch k {
	case celenv.Number:
		return "number"
	case celenv.Integer:
		return "integer"
	case celenv.Boolean:
		return "boolean"
	case celenv.Enum:
		return "one of: " + strings.Join(values, ", ")
	case celenv.Phone:
		return "phone number in " + format.Name + ", e.g. " + format.Example
	case celenv.Email:
		return "email"
	case celenv.Date:
		return format.Name
	case celenv.DateTime:
		return "YYYY-MM-DDTHH:MM:SSZ (" + format.Name + ")"
	case celenv.ListKind:
		return "array of " + Hint(items, "", values)
	}
	return "string"
}

// Config implements configs.Emitter.
func (Emitter) Config(w *ir.Workflow) ([]byte, error) {
	schema := &configtext.Ordered{}
	for i := range w.Fields {
		f := &w.Fields[i]
		hint := Hint(f.Type, f.Items, f.Values)
		desc := f.Description
		if desc == "" {
			desc = configtext.Question(w, f.Name)
		}
		words := configtext.Constraints(f)
		if desc != "" {
			words = append([]string{configtext.Sentence(desc)}, words...)
		}
		if len(words) > 0 {
			hint += " — " + strings.Join(words, " ")
		}
		schema.Set(f.Name, hint)
	}
	owner := w.Owner
	if owner == "" {
		owner = "the team"
	} else {
		owner = "the " + payload.Human(owner) + " team"
	}
	hook, err := configtext.WebhookURL(w, bland.Name)
	if err != nil {
		return nil, err
	}
	return configtext.JSON(CallRequest{
		FirstSentence:  configtext.FirstMessage(w),
		Task:           configtext.Prompt(w),
		AnalysisSchema: schema,
		SummaryPrompt: fmt.Sprintf("Summarize the call in two or three sentences for %s. The caller's goal: %s. Say what the caller asked for and what was agreed. Do not include phone numbers, email addresses or payment details.",
			owner, strings.TrimSuffix(w.Goal, ".")),
		Webhook:  hook,
		Metadata: map[string]string{bland.MetadataWorkflowKey: w.ID},
	})
}

// MaxFirstSentence is the length first_sentence must stay under, in
// characters, as Bland documents it.
const MaxFirstSentence = 200

// Losses implements configs.Emitter: analysis_schema hints are free
// text, so every type can be asked for and the handler checks the answer.
// What Bland cannot take is a disclosure of MaxFirstSentence characters or
// more as first_sentence.
func (Emitter) Losses(w *ir.Workflow) []configs.Loss {
	n := utf8.RuneCountInString(configtext.FirstMessage(w))
	if n < MaxFirstSentence {
		return nil
	}
	return []configs.Loss{{What: fmt.Sprintf("the disclosure, sent as first_sentence, has %d characters, and Bland documents first_sentence as less than %d; shorten the disclosure so the caller hears all of it", n, MaxFirstSentence)}}
}
