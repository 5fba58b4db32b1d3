package catalog

import "github.com/callspec/callspec/compiler/diag"

// Category is a group of rules that callspec.yaml can switch together.
type Category struct {
	Name    string
	Summary string
}

// Category names.
const (
	Workflow = "WORKFLOW"
	Field    = "FIELD"
	Platform = "PLATFORM"
	Strict   = "STRICT"
)

// Categories are listed in this order.
var Categories = []Category{
	{Workflow, "the workflow as the user's service sees it: its id, its next action and its handoff reasons"},
	{Field, "the fields of the events, as every consumer reads them"},
	{Platform, "where and how the voice platforms deliver: what each platform is configured with"},
	{Strict, "additions that only break consumers which refuse what the old schema did not allow (off by default)"},
}

// Rule IDs of callspec breaking.
const (
	WorkflowRemoved      ID = "workflow-removed"
	NextActionRenamed    ID = "next-action-renamed"
	HandoffReasonRemoved ID = "handoff-reason-removed"
	HandoffReasonRenamed ID = "handoff-reason-renamed"
	FieldRemoved         ID = "field-removed"
	FieldRenamed         ID = "field-renamed"
	FieldTypeChanged     ID = "field-type-changed"
	EnumValueRemoved     ID = "enum-value-removed"
	FieldMadeRequired    ID = "field-made-required"
	FieldMadeOptional    ID = "field-made-optional"
	FieldLimitTightened  ID = "field-limit-tightened"
	WebhookURLChanged    ID = "webhook-url-changed"
	TargetRemoved        ID = "target-removed"
	FieldAdded           ID = "field-added"
	EnumValueAdded       ID = "enum-value-added"
	HandoffReasonAdded   ID = "handoff-reason-added"
	FieldTypeWidened     ID = "field-type-widened"
)

// breakingRules are the rules of `callspec breaking`, in the order
// `callspec rules` lists them: by category, then as a reader meets the
// spec.
var breakingRules = []Rule{
	{
		ID: WorkflowRemoved, Category: Workflow, Severity: diag.Error,
		Summary: "a workflow of the other version has no workflow with its id any more",
		Doc: `
Workflows are matched by id, not by file name: moving or renaming a file
changes nothing. A workflow whose id is gone (the spec was deleted, or its
id was changed) stops producing events: every platform still configured for
it posts to a handler that no longer exists, and every consumer of its
events hears nothing more. Changing an id is a removal plus a new workflow.
The finding points at the file that now holds another id, or at the path
the workflow had when the file is gone.

Bad (the id changed):

    # before
    workflow: {id: maintenance_report_intake, …}
    # after
    workflow: {id: maintenance_intake, …}

Good: keep the id, which names the generated package, the event's
workflow_id and the handler's path; change the title instead. To retire a
workflow, first reconfigure or remove it on every platform and in every
consumer, then remove the spec with the rule switched off for that change
(callspec.yaml: ` + "`rules: {workflow-removed: off}`" + `).
`,
	},
	{
		ID: NextActionRenamed, Category: Workflow, Severity: diag.Error,
		Summary: "next_action changed, so the service's method for the old one is no longer called",
		Doc: `
The generated Service interface has one method per next_action: the
user's service implements it, and the completed event carries the name.
Renaming next_action removes that method and adds another, so a service
built against the old interface no longer compiles, and a service that
dispatches on the event's next_action never sees the old name again.

Bad:

    # before
    next_action: create_work_order
    # after
    next_action: open_ticket

Good: keep the name the service implements; describe what it does in the
docs instead. When the action really changes, roll out the service with the
new method first, then change the spec.
`,
	},
	{
		ID: HandoffReasonRemoved, Category: Workflow, Severity: diag.Error,
		Summary: "a handoff reason of the other version is gone",
		Doc: `
Handoff events carry handoff.handoff_reason, and the user's service and the
people on call route on it (a queue per reason, a pager for one of them).
When no rule produces a reason any more, those routes go quiet without an
error, and the calls they took arrive under another reason or as completed
calls. incomplete_call is built in and never removed.

Bad:

    # before
    handoff:
      - {reason: emergency_or_sensitive_request, when: "fields.urgency == \"emergency\"", …}
    # after
    handoff: []

Good: keep a rule with the reason; tighten its ` + "`when`" + ` instead of removing it,
or retire the route in every consumer first.
`,
	},
	{
		ID: HandoffReasonRenamed, Category: Workflow, Severity: diag.Error,
		Summary: "a handoff reason was renamed (a removed and an added reason share their `when`)",
		Doc: `
A reason that disappears while a rule with the same condition appears under
another name is a rename: consumers that route on the old reason never see
it again, and the new one falls into their default route.

Bad:

    # before
    - {reason: emergency_or_sensitive_request, when: "fields.urgency == \"emergency\"", …}
    # after
    - {reason: urgent_request, when: "fields.urgency == \"emergency\"", …}

Good: keep the reason consumers route on; its words on the docs page come
from the reason, so change the caller_message or the docs instead.
`,
	},
	{
		ID: FieldRemoved, Category: Field, Severity: diag.Error,
		Summary: "a field of the other version is gone from the events",
		Doc: `
Every consumer of the events (the user's service through the generated Go
types, a CRM behind webhook.forward, a ticketing system) reads fields by
name. A removed field silently reads as empty in a CRM mapping and no longer
compiles in Go code that uses it. The finding points at ` + "`fields:`" + `; the message
says where the field was.

Bad:

    # before
    fields:
      callback_phone: {type: phone}
    # after
    fields: {}

Good: keep the field, optional if the call no longer asks for it, until no
consumer reads it; then remove it with a suppression that says so.
`,
	},
	{
		ID: FieldRenamed, Category: Field, Severity: diag.Error,
		Summary: "a field was renamed (a removed and an added field share type and description)",
		Doc: `
A field that disappears while another with the same type and description
appears is a rename: consumers that read the old name get nothing, and the
new name is one they do not know. (Without a description the two cannot be
told apart from a removal and an addition, which are reported as such.)

Bad:

    # before
    phone: {type: phone, description: Callback number}
    # after
    callback_phone: {type: phone, description: Callback number}

Good: keep the old name; or add the new field beside the old one, move every
consumer over, then remove the old one.
`,
	},
	{
		ID: FieldTypeChanged, Category: Field, Severity: diag.Error,
		Summary: "a field's type changed its JSON type, or narrowed (text → enum, number → integer)",
		Doc: `
A change of JSON type (integer → text, text → list, boolean → enum) breaks
every consumer that parses the value, and changes the generated Go type. A
narrowing keeps the JSON type but refuses values that were valid (text →
enum, text → phone, number → integer, date → datetime): the platform's
extractor keeps sending them, so calls that completed now go to a person or
lose the value, and events stored before the change fail the new schema.
Widening (enum → text, integer → number) is not breaking by default; see
field-type-widened.

Bad:

    # before
    unit_number: {type: integer}
    # after
    unit_number: {type: text}

Good: add a field with the new type under a new name, and remove the old
one once no consumer reads it.
`,
	},
	{
		ID: EnumValueRemoved, Category: Field, Severity: diag.Error,
		Summary: "a value of an enum field (or of a list of enum) is gone",
		Doc: `
Consumers map enum values to their own (a picklist in a CRM, a queue, a Go
constant of the generated package). A removed value no longer compiles in Go
code that names it, and events stored or dead-lettered before the change
fail the new schema when they are retried.

Bad:

    # before
    urgency: {type: enum, values: [routine, urgent, emergency]}
    # after
    urgency: {type: enum, values: [routine, urgent]}

Good: keep the value until no consumer and no stored event uses it; the
assistant can be told not to choose it in the field's description.
`,
	},
	{
		ID: FieldMadeRequired, Category: Field, Severity: diag.Error,
		Summary: "an optional field became required",
		Doc: `
A required field the caller does not give makes the call incomplete: calls
that completed without it now go to a person as incomplete_call, so the
service's next action runs for fewer calls. The generated Go type changes
from a pointer (*T) to T, so code built against the old package no longer
compiles.

Bad:

    # before
    permission_to_enter: {type: boolean}
    # after
    permission_to_enter: {type: boolean, required: true}

Good: keep it optional and add a handoff rule (` + "`when: !has(fields.x)`" + `) if a
person must follow up when it is missing.
`,
	},
	{
		ID: FieldMadeOptional, Category: Field, Severity: diag.Error,
		Summary: "a required field became optional, so completed events may leave it out",
		Doc: `
Consumers of completed events rely on every required field being there (the
outcome schema lists it as required). An optional field may be absent: a
CRM mapping reads an empty value, and the generated Go type changes from T
to a pointer (*T), so code built against the old package no longer compiles.

Bad:

    # before
    location: {type: text, required: true}
    # after
    location: {type: text}

Good: keep it required; if calls without it should still complete, add a
new optional field and move consumers over.
`,
	},
	{
		ID: FieldLimitTightened, Category: Field, Severity: diag.Error,
		Summary: "a field's max_length, pattern, min or max became stricter",
		Doc: `
The platform's extractor keeps sending the values the old limits allowed. A
stricter max_length, min or max, or a new or changed pattern, makes some of
them invalid: a required field's call then goes to a person instead of
completing, an optional field loses its value, and events stored before the
change fail the new schema. A changed pattern counts as stricter, since
callspec cannot tell whether it accepts every value the old one did.

Bad:

    # before
    location: {type: text, max_length: 200}
    # after
    location: {type: text, max_length: 80}

Good: keep the limit, or loosen it; cut long values in the consumer that
needs them short.
`,
	},
	{
		ID: WebhookURLChanged, Category: Platform, Severity: diag.Error,
		Summary: "webhook.url changed, so every platform must be reconfigured",
		Doc: `
Each platform's configuration holds the URL it posts to (` + "`<webhook.url>`" + `, and
` + "`<webhook.url>/<platform>`" + ` once each platform has its own path). Until every
target is reconfigured, deliveries go to the old URL: if nothing serves it
any more, calls are lost, and platforms that do not retry (Vapi by default)
never send them again.

Bad:

    # before
    webhook: {url: https://ops.example.com/hooks/maintenance, …}
    # after
    webhook: {url: https://api.example.com/callspec/maintenance, …}

Good: serve the handler at both URLs, reconfigure every target
(` + "`callspec deploy`" + `), then retire the old one; the suppression on the new URL
records that this was done.
`,
	},
	{
		ID: TargetRemoved, Category: Platform, Severity: diag.Error,
		Summary: "a target platform of the other version is gone",
		Doc: `
Removing a target stops generating that platform's configuration, its
setup section on the docs page and its ` + "`callspec deploy`" + ` plan. An agent or
assistant still live on the platform keeps its last configuration, which
nothing updates any more: the next change of a field or of the webhook
never reaches it, so its calls arrive without the fields the handler needs
or at a URL nobody serves.

Bad:

    # before
    targets: [retell, vapi]
    # after
    targets: [retell]

Good: retire the agent on the platform first (or point its number
elsewhere), then remove the target with a suppression that says so.
`,
	},
	{
		ID: FieldAdded, Category: Strict, Severity: diag.Off,
		Summary: "a field was added (strict consumers refuse properties the old schema did not list)",
		Doc: `
The generated schemas say additionalProperties: false, so a consumer that
validates events against the schema it was built with refuses events that
carry a new field. Consumers that ignore unknown fields are not affected,
which is why this rule is off by default; switch STRICT on in callspec.yaml
when your consumers validate.

Bad (for a validating consumer):

    # before
    fields: {location: {type: text}}
    # after
    fields: {location: {type: text}, floor: {type: integer}}

Good: update the consumer's copy of outcome.schema.json before the spec
change is deployed.
`,
	},
	{
		ID: EnumValueAdded, Category: Strict, Severity: diag.Off,
		Summary: "an enum field gained a value (strict consumers refuse values they do not know)",
		Doc: `
A consumer that validates against the old schema, or switches over the
known values without a default, meets a value it does not know. Others are
not affected, so the rule is off by default (category STRICT).

Bad (for a strict consumer):

    # before
    urgency: {type: enum, values: [routine, urgent]}
    # after
    urgency: {type: enum, values: [routine, urgent, emergency]}

Good: teach the consumer the value first, or give it a default branch.
`,
	},
	{
		ID: HandoffReasonAdded, Category: Strict, Severity: diag.Off,
		Summary: "a handoff rule brings a new reason (strict consumers refuse reasons they do not know)",
		Doc: `
handoff.schema.json lists the handoff reasons as an enum, so a consumer that
validates handoff events against the old schema refuses the new reason; a
router without a default route drops it. A new handoff rule is not breaking
for anyone else, so the rule is off by default (category STRICT).

Bad (for a strict consumer):

    # after, a rule the other version did not have
    - {reason: billing_dispute, when: "fields.request_type == \"complaint\"", …}

Good: add a route for the reason in every consumer before the rule ships.
`,
	},
	{
		ID: FieldTypeWidened, Category: Strict, Severity: diag.Off,
		Summary: "a field's type widened (enum → text, integer → number): values the old schema refused now arrive",
		Doc: `
A widening keeps the JSON type and accepts more values: an enum that becomes
text arrives with values outside the old list, an integer that becomes a
number with fractions. Consumers that validate against the old schema or
switch over the old values meet values they do not know, and Go code using
the old enum constants no longer compiles. Others are not affected, so the
rule is off by default (category STRICT).

Bad (for a strict consumer):

    # before
    issue_type: {type: enum, values: [leak, heating, other]}
    # after
    issue_type: {type: text}

Good: keep the enum and add the values consumers need.
`,
	},
}
