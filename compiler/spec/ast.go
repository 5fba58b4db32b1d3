// Package spec reads callspec YAML files into a syntax tree in which every
// value keeps the exact range it came from. Reading is strict: unknown keys
// (with a did-you-mean), wrong types, missing required keys and duplicate
// keys become positioned findings, never Go errors, and no input panics.
package spec

import (
	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/source"
)

// Meta records where a value came from. Its ranges are computed when
// asked for, from the nodes: most values are never reported, and
// measuring every node when decoding was a sixth of lint's time over
// parsing (issue 19).
type Meta struct {
	// Set is true when the key is present with a non-null value.
	Set bool
	// Node is the YAML node of the value (after alias resolution).
	Node *yaml.Node
	// key is the node of the mapping key the value stands under; nil for
	// list items and the document root.
	key  *yaml.Node
	file *source.File
}

// Range is the range of the value itself; zero when the value is absent.
func (m Meta) Range() source.Range {
	if m.Node == nil || m.file == nil {
		return source.Range{}
	}
	return m.file.NodeRange(m.Node)
}

// Key is the range of the mapping key the value stands under; zero for
// list items, the document root and absent keys.
func (m Meta) Key() source.Range {
	if m.key == nil || m.file == nil {
		return source.Range{}
	}
	return m.file.NodeRange(m.key)
}

// Where returns the best range to report a problem with this value at: the
// value when present, else its key.
func (m Meta) Where() source.Range {
	if r := m.Range(); r.IsValid() {
		return r
	}
	return m.Key()
}

// KeyOrValue returns the key's range when there is one, else the value's;
// findings about a whole section point at its key.
func (m Meta) KeyOrValue() source.Range {
	if r := m.Key(); r.IsValid() {
		return r
	}
	return m.Range()
}

// String is a scalar read as text.
type String struct {
	Meta
	Value string
}

// Int is a whole number.
type Int struct {
	Meta
	Value int64
}

// Number is an integer or floating-point number.
type Number struct {
	Meta
	Value float64
}

// Bool is true or false.
type Bool struct {
	Meta
	Value bool
}

// Value is any YAML value, kept as its node; scenario values and examples
// are checked against field types later, once the types are known.
type Value struct {
	Meta
}

// List is a YAML sequence.
type List[T any] struct {
	Meta
	Items []T
}

// Entry is one key: value pair of a Map.
type Entry[T any] struct {
	Key   String
	Value T
}

// Map is a YAML mapping whose keys are user-chosen names, in file order.
type Map[T any] struct {
	Meta
	Entries []Entry[T]
}

// Get returns the entry named key.
func (m *Map[T]) Get(key string) (*Entry[T], bool) {
	for i := range m.Entries {
		if m.Entries[i].Key.Value == key {
			return &m.Entries[i], true
		}
	}
	return nil, false
}

// Spec is one workflow file.
type Spec struct {
	Meta
	File *source.File `yaml:"-"`

	Callspec    Int               `yaml:"callspec,required" doc:"Format version of this file. Always 1."`
	Workflow    Workflow          `yaml:"workflow,required" doc:"Who the workflow is for and the one goal of the caller."`
	Language    String            `yaml:"language" doc:"BCP 47 tag of the language the assistant speaks (default en): the phrase checks, the placeholders and the built-in messages. Supported: en, es, fr, de, pt."`
	Disclosure  String            `yaml:"disclosure" doc:"Spoken first. Must say that the caller talks to an automated assistant and that the call may be recorded."`
	Questions   List[Question]    `yaml:"questions" doc:"The visible question set, in the order the assistant asks."`
	Fields      Map[Field]        `yaml:"fields,required" doc:"What the call must produce, by field name (lower_snake)."`
	NextAction  String            `yaml:"next_action" doc:"The one action taken after a routine call (lower_snake), e.g. create_work_order."`
	Handoff     List[HandoffRule] `yaml:"handoff" doc:"When a person takes over; ordered, the first rule that matches wins."`
	Incomplete  Incomplete        `yaml:"incomplete" doc:"The built-in incomplete_call handoff (and the owner, severity and notify of call_failed and no_answer); defaults: the workflow owner, normal."`
	PhoneRegion String            `yaml:"phone_region" doc:"ISO 3166-1 region (US, GB, …) of phone numbers the platform gives in national format; they are normalised to E.164. Without it such numbers are left out, never guessed."`
	Webhook     Webhook           `yaml:"webhook,required" doc:"Where the platform posts the call's outcome."`
	Log         List[String]      `yaml:"log" doc:"The only values the handler may log: workflow_id, call.id, call.status, call.provider, call.end_reason, call.direction, call.duration_s, next_action, handoff.reason, handoff.severity or fields.<non-pii field>."`
	Targets     List[String]      `yaml:"targets" doc:"Voice platforms to generate configuration for."`
	Docs        Docs              `yaml:"docs" doc:"The public docs page."`
	Deploy      Deploy            `yaml:"deploy" doc:"The live agent or assistant that callspec deploy updates, per platform; without an id, callspec deploy --apply creates one and prints the line to add here."`
	Tests       List[Scenario]    `yaml:"tests" doc:"Caller scenarios run by callspec test; routine, incomplete and sensitive kinds are all required."`
}

// Workflow names the workflow.
type Workflow struct {
	Meta
	ID    String `yaml:"id,required" doc:"Unique id across the repository, lower_snake (e.g. maintenance_report_intake)."`
	Title String `yaml:"title,required" doc:"Human title, shown on the docs page."`
	Goal  String `yaml:"goal,required" doc:"Exactly one caller goal."`
	Owner String `yaml:"owner" doc:"Team notified on outcomes."`
}

// Question is one question the assistant asks.
type Question struct {
	Meta
	ID       String       `yaml:"id,required" doc:"Question id, lower_snake."`
	Ask      String       `yaml:"ask,required" doc:"What the assistant says."`
	Collects List[String] `yaml:"collects" doc:"Field names this question fills."`
}

// Field is one value the call must produce.
type Field struct {
	Meta
	Type        String       `yaml:"type,required" doc:"Field type." enum:"text,number,integer,boolean,enum,phone,email,date,datetime,list"`
	Items       String       `yaml:"items" doc:"Element type of a list field." enum:"text,number,integer,boolean,enum,phone,email,date,datetime"`
	Values      List[String] `yaml:"values" doc:"Allowed values of an enum field (or of the items of a list of enum)."`
	Required    Bool         `yaml:"required" doc:"The call is incomplete without this field."`
	Description String       `yaml:"description" doc:"What the field means; sent to the platform's extractor."`
	PII         Bool         `yaml:"pii" doc:"Personal data: never logged. phone and email fields are pii unless pii: false."`
	Examples    List[Value]  `yaml:"examples" doc:"Example values, sent to platforms that take them."`
	Min         Number       `yaml:"min" doc:"Smallest allowed number."`
	Max         Number       `yaml:"max" doc:"Largest allowed number."`
	MaxLength   Int          `yaml:"max_length" doc:"Longest allowed text in code points (items, for a list)."`
	Pattern     String       `yaml:"pattern" doc:"RE2 regular expression a text value must match."`
}

// HandoffRule routes a call to a person.
type HandoffRule struct {
	Meta
	Reason        String       `yaml:"reason,required" doc:"Handoff reason, lower_snake. call_failed and no_answer are reserved (the platform says the call failed or was not answered); incomplete_call is the built-in handoff of an incomplete call, configured with incomplete:."`
	When          String       `yaml:"when,required" doc:"CEL expression over fields, call and workflow; must be bool."`
	Severity      String       `yaml:"severity" doc:"How fast a person must act." enum:"info,normal,urgent"`
	Owner         String       `yaml:"owner" doc:"Team or rota that takes the call over."`
	Notify        List[String] `yaml:"notify" doc:"Channels to notify." enum:"sms,slack,email,pager,phone,webhook"`
	CallerMessage String       `yaml:"caller_message" doc:"What the caller is told happens next. No automated commitments."`
}

// Incomplete configures the handoffs callspec decides itself.
type Incomplete struct {
	Meta
	Owner         String       `yaml:"owner" doc:"Team or rota that follows up; default the workflow owner."`
	Severity      String       `yaml:"severity" doc:"How fast a person must act; default normal." enum:"info,normal,urgent"`
	Notify        List[String] `yaml:"notify" doc:"Channels to notify." enum:"sms,slack,email,pager,phone,webhook"`
	CallerMessage String       `yaml:"caller_message" doc:"What the caller of an incomplete call is told; default a built-in message in the spec's language. No automated commitments."`
}

// Webhook is the delivery target of the platform.
type Webhook struct {
	Meta
	URL            String               `yaml:"url,required" doc:"https URL where the platform posts; the generated handler serves it."`
	Secret         String               `yaml:"secret,required" doc:"env:NAME of the signing secret; never a literal."`
	IdempotencyKey String               `yaml:"idempotency_key" doc:"CEL over call and workflow giving the retry key; default call.id."`
	Forward        Forward              `yaml:"forward" doc:"Relay the canonical event downstream, signed with Standard Webhooks."`
	Platforms      Map[WebhookPlatform] `yaml:"platforms" doc:"Per target platform, where it differs from the defaults: its secret and how it authenticates."`
}

// WebhookPlatform is how one target platform authenticates its deliveries.
type WebhookPlatform struct {
	Meta
	Secret String `yaml:"secret" doc:"env:NAME of this platform's secret (default webhook.secret); while NAME_PREVIOUS is set, that previous secret is accepted too."`
	Auth   String `yaml:"auth" doc:"How the platform authenticates: vapi hmac (default), bearer or header (X-Vapi-Secret); synthflow, callcow and phonely url_token (default: a token in the URL path) or header (X-Callspec-Secret); retell, bland and callurl signature."`
}

// Forward relays events downstream.
type Forward struct {
	Meta
	URL         String `yaml:"url,required" doc:"https URL of the downstream receiver."`
	Secret      String `yaml:"secret,required" doc:"env:NAME of the Standard Webhooks secret (whsec_...)."`
	MaxAttempts Int    `yaml:"max_attempts" doc:"Delivery attempts before the event is dead-lettered (default 8)."`
}

// Deploy names the live platform objects that callspec deploy plans
// against and updates. It is build-side only: no deployed handler reads it.
type Deploy struct {
	Meta
	Retell DeployRetell `yaml:"retell" doc:"The Retell agent (and its Retell LLM) to update."`
	Vapi   DeployVapi   `yaml:"vapi" doc:"The Vapi assistant to update."`
}

// DeployRetell names a Retell agent and, optionally, its LLM.
type DeployRetell struct {
	Meta
	AgentID String `yaml:"agent_id" doc:"Id of the Retell agent (agent_…) that takes this workflow's calls."`
	LLMID   String `yaml:"llm_id" doc:"Id of the Retell LLM (llm_…) holding the prompt; default the agent's response_engine.llm_id."`
}

// DeployVapi names a Vapi assistant.
type DeployVapi struct {
	Meta
	AssistantID String `yaml:"assistant_id" doc:"Id (a UUID) of the Vapi assistant that takes this workflow's calls."`
}

// Docs configures the public page.
type Docs struct {
	Meta
	CTA     CTA          `yaml:"cta" doc:"The call to action that creates a real Call App."`
	Related List[String] `yaml:"related" doc:"Workflow ids in this repository, or https URLs."`
}

// CTA is a labelled link.
type CTA struct {
	Meta
	Label String `yaml:"label,required" doc:"Button text."`
	URL   String `yaml:"url,required" doc:"https URL."`
}

// Scenario is one caller scenario for callspec test.
type Scenario struct {
	Meta
	Name   String     `yaml:"name,required" doc:"What happens on this call."`
	Kind   String     `yaml:"kind,required" doc:"Scenario kind." enum:"routine,incomplete,sensitive"`
	Call   CallValues `yaml:"call" doc:"Call metadata for the scenario."`
	Fields Map[Value] `yaml:"fields" doc:"Field values the platform extracted."`
	Expect Expect     `yaml:"expect,required" doc:"The expected outcome."`
}

// CallValues are the call metadata of a scenario.
type CallValues struct {
	Meta
	ID        String `yaml:"id" doc:"Platform call id."`
	Provider  String `yaml:"provider" doc:"Platform name."`
	Status    String `yaml:"status" doc:"Canonical call status, e.g. completed."`
	EndReason String `yaml:"end_reason" doc:"Why the call ended."`
	Direction String `yaml:"direction" doc:"inbound or outbound." enum:"inbound,outbound"`
	From      String `yaml:"from" doc:"Caller number (E.164)."`
	To        String `yaml:"to" doc:"Called number (E.164)."`
	StartedAt String `yaml:"started_at" doc:"RFC 3339 start time."`
	DurationS Int    `yaml:"duration_s" doc:"Call length in seconds."`
}

// Expect is the expected outcome of a scenario: either next_action or handoff.
type Expect struct {
	Meta
	NextAction String `yaml:"next_action" doc:"The expected next action of a completed call."`
	Handoff    String `yaml:"handoff" doc:"The expected handoff reason."`
	Severity   String `yaml:"severity" doc:"The expected handoff severity." enum:"info,normal,urgent"`
}
