// Package ir is the checked, typed form of a spec that emitters consume.
// It holds no YAML: positions stay in the spec syntax tree, and emitters
// that need to explain something point back through rules, not through IR.
package ir

import (
	"cel.dev/cel-go/cel"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
)

// Workflow is one checked spec.
type Workflow struct {
	// Path is the spec file as given on the command line.
	Path       string
	ID         string
	Title      string
	Goal       string
	Owner      string
	Disclosure string
	Questions  []Question
	Fields     []Field
	NextAction string
	Handoff    []HandoffRule
	// Incomplete is the incomplete: block, or nil.
	Incomplete *workflow.Incomplete
	// Language is the base language subtag of `language:` ("" for the
	// default, en); PhoneRegion the upper-case phone_region, or "".
	Language    string
	PhoneRegion string
	Webhook     Webhook
	Log         []string
	Targets     []string
	Docs        Docs
	Tests       []Scenario
	// Deploy names the live platform objects callspec deploy updates. It
	// is build-side only: Definition leaves it out, so no deployed
	// handler carries it.
	Deploy Deploy
	// Env is the typed CEL environment of the fields; nil when the fields
	// could not be declared.
	Env *celenv.Env
}

// Question is one question of the visible question set.
type Question struct {
	ID       string
	Ask      string
	Collects []string
}

// Field is a declared field with its documentation.
type Field struct {
	workflow.Field
	Description string
	// Examples are example values in JSON form.
	Examples []any
}

// HandoffRule is a rule with its checked expression.
type HandoffRule struct {
	workflow.HandoffRule
	// Checked is the type-checked expression, or nil when it did not check.
	Checked *cel.Ast
}

// Webhook is where the platform posts.
type Webhook struct {
	URL string
	// SecretEnv is the environment variable holding the signing secret,
	// or "" when the spec wrote something else (secret-literal reports it).
	SecretEnv      string
	IdempotencyKey string
	// IdempotencyChecked is the checked key expression, or nil.
	IdempotencyChecked *cel.Ast
	Forward            *workflow.Forward
	// Platforms are the spec's webhook.platforms entries, in file order;
	// an empty SecretEnv or Auth takes the default.
	Platforms []workflow.Platform
}

// Deploy holds the ids of the spec's deploy: block; "" for an id the
// spec does not set. Each *Where is the id's file:line:col, for errors
// that tell the user which line to fix.
type Deploy struct {
	RetellAgentID, RetellAgentWhere string
	RetellLLMID, RetellLLMWhere     string
	VapiAssistantID, VapiWhere      string
}

// Docs is the public page configuration.
type Docs struct {
	CTALabel string
	CTAURL   string
	Related  []string
}

// Scenario is one caller scenario.
type Scenario struct {
	Name string
	Kind string
	// Call is the call metadata; From and To are the raw numbers.
	Call event.Call
	From string
	To   string
	// Fields holds the scenario's values in JSON form, as a platform would
	// send them; FieldOrder keeps the spec's order.
	Fields     map[string]any
	FieldOrder []string
	Expect     Expect
}

// Expect is a scenario's expected outcome.
type Expect struct {
	NextAction string
	Handoff    string
	Severity   string
}

// Scenario kinds.
const (
	KindRoutine    = "routine"
	KindIncomplete = "incomplete"
	KindSensitive  = "sensitive"
)

// Field returns the field named name.
func (w *Workflow) Field(name string) (*Field, bool) {
	for i := range w.Fields {
		if w.Fields[i].Name == name {
			return &w.Fields[i], true
		}
	}
	return nil, false
}

// Definition is the run-time part of the workflow, which generated
// handlers embed and callspec test runs.
func (w *Workflow) Definition() *workflow.Definition {
	d := &workflow.Definition{
		ID:             w.ID,
		Owner:          w.Owner,
		NextAction:     w.NextAction,
		SecretEnv:      w.Webhook.SecretEnv,
		IdempotencyKey: w.Webhook.IdempotencyKey,
		Log:            w.Log,
		Forward:        w.Webhook.Forward,
		Language:       w.Language,
		PhoneRegion:    w.PhoneRegion,
		Incomplete:     w.Incomplete,
	}
	for _, f := range w.Fields {
		d.Fields = append(d.Fields, f.Field)
	}
	// Every target is listed with its secret and mode resolved, so that a
	// generated handler says for each platform what it reads.
	for _, t := range w.Targets {
		d.Platforms = append(d.Platforms, w.Platform(t))
	}
	for _, r := range w.Handoff {
		d.Handoff = append(d.Handoff, r.HandoffRule)
	}
	return d
}

// Platform is how platform name authenticates the workflow's deliveries:
// its webhook.platforms entry, else webhook.secret and the platform's
// default mode (workflow.Definition.Platform decides), without building
// the whole Definition.
func (w *Workflow) Platform(name string) workflow.Platform {
	spelled := workflow.Definition{SecretEnv: w.Webhook.SecretEnv, Platforms: w.Webhook.Platforms}
	return spelled.Platform(name)
}

// Inbound is the delivery a scenario stands for, as a provider adapter
// would have decoded it.
func (s *Scenario) Inbound() *event.Inbound {
	in := &event.Inbound{Call: s.Call, CallerFrom: s.From, CalledTo: s.To, Fields: map[string]any{}}
	for k, v := range s.Fields {
		in.Fields[k] = v
	}
	// caller.phone_e164 is the person the assistant talked to, as the
	// adapters decide it: the number called on an outbound call.
	if customer := in.Customer(); workflow.IsE164(customer) {
		in.CallerPhone = customer
	}
	return in
}
