package catalog

import "github.com/callspec/callspec/compiler/diag"

// Lint rule IDs.
const (
	CELCost              ID = "cel-cost"
	CELNotBool           ID = "cel-not-bool"
	CELSyntax            ID = "cel-syntax"
	CELType              ID = "cel-type"
	DuplicateKey         ID = "duplicate-key"
	DuplicateWorkflowID  ID = "duplicate-workflow-id"
	EnumValues           ID = "enum-values"
	FieldType            ID = "field-type"
	GoNameClash          ID = "go-name-clash"
	HandoffCallerMessage ID = "handoff-caller-message"
	IdempotencyKey       ID = "idempotency-key"
	MissingCTA           ID = "missing-cta"
	MissingDisclosure    ID = "missing-disclosure"
	MissingHandoff       ID = "missing-handoff"
	NextAction           ID = "next-action"
	PatternPortable      ID = "pattern-portable"
	PIILogged            ID = "pii-logged"
	QuestionUnknownField ID = "question-unknown-field"
	RelatedLink          ID = "related-link"
	RequiredFieldUnasked ID = "required-field-unasked"
	ScenarioCoverage     ID = "scenario-coverage"
	ScenarioInvalid      ID = "scenario-invalid"
	Schema               ID = "schema"
	SecretLiteral        ID = "secret-literal"
	Syntax               ID = "syntax"
	TargetUnsupported    ID = "target-unsupported"
	UnguardedOptional    ID = "unguarded-optional"
	UnknownSuppression   ID = "unknown-suppression"
	UnusedField          ID = "unused-field"
	URLTokenShared       ID = "url-token-shared"
	VendorSecretShared   ID = "vendor-secret-shared"
	WebhookURL           ID = "webhook-url"
)

// lintRules are the rules of `callspec lint`, sorted by ID. A rule with a
// check in rules/ has its file there, named after the ID
// (rules/cel_cost.go); one without says Where it is reported.
var lintRules = []Rule{
	{
		ID: CELCost, Severity: diag.Error,
		Summary: "a CEL expression has an unbounded or too large worst-case cost",
		Doc: `
Every delivery evaluates every handoff rule, so the work a rule may do must
be bounded before it is deployed. cel-go's cost estimator computes the
worst case from the sizes of the values an expression reads. Sizes come
from the spec: a text field's max_length bounds its length, a list field's
max_length bounds its number of items, enum values, phone numbers (16),
email addresses (254) and dates (10) are bounded by their type, and call
metadata strings by 256 characters (platform adapters truncate them). A
text field without max_length, a list without max_length, or text items of
a list (which have no length limit) make string functions (contains,
matches, startsWith, …) and comprehensions (exists, all, map, filter)
unbounded. The limit is 100,000 cost units per expression (MaxCELCost).
Comparisons with == are cheap whatever the length and need no bound.

Bad:

    fields:
      notes: {type: text}
    handoff:
      - reason: mentions_lawyer
        when: has(fields.notes) && fields.notes.contains("lawyer")

Good:

    fields:
      notes: {type: text, max_length: 2000}
`,
	},
	{
		ID: CELNotBool, Severity: diag.Error,
		Summary: "a handoff rule's when does not evaluate to a bool",
		Where:   "compiler/check, while compiling each CEL expression (check.go: compile)",
		Doc: `
A handoff rule fires when its condition is true; an expression of any other
type has no clear meaning and would fail at run time on every call.

Bad:

    when: fields.issue_type

Good:

    when: fields.issue_type == "electrical"
`,
	},
	{
		ID: CELSyntax, Severity: diag.Error,
		Summary: "a handoff rule's when or the idempotency key is not valid CEL",
		Where:   "compiler/check, while compiling each CEL expression (check.go: compile)",
		Doc: `
Handoff conditions and the idempotency key are CEL expressions
(https://cel.dev). The finding points at the offending token in the file,
also inside | and > block scalars.

Bad:

    when: fields.urgency == "emergency" ||

Good:

    when: fields.urgency == "emergency" || fields.issue_type == "electrical"
`,
	},
	{
		ID: CELType, Severity: diag.Error,
		Summary: "a CEL expression reads an undeclared field, mixes types, or compares an enum with a value it does not have",
		Where:   "compiler/check, while compiling each CEL expression (check.go: compile, enumLiteral, env)",
		Doc: `
Expressions are type-checked against the declared fields: fields is an object
with exactly the declared fields (text, phone, email, enum and date are
strings, number is double, integer is int, boolean is bool, datetime is a
timestamp, list is a list). Numbers compare across int and double. CEL has
no date(): a date is a "YYYY-MM-DD" string and compares as one
(fields.day < "2026-02-01"); a datetime compares with
timestamp("2026-01-31T09:00:00Z"). Comparing an enum field with a literal
that is not one of its values can never match, so it is an error with a
did-you-mean, as is a misspelt field name. Every error of an expression is
reported in one run.

Bad:

    when: fields.urgency == "emergancy" || fields.urgnecy == 3 || fields.day < date("2026-02-01")

Good:

    when: fields.urgency == "emergency" || has(fields.day) && fields.day < "2026-02-01"
`,
	},
	{
		ID: DuplicateKey, Severity: diag.Error,
		Summary: "a key appears twice in the same mapping",
		Where:   "compiler/spec, while decoding the YAML mappings (decode.go)",
		Doc: `
YAML parsers keep only one of two equal keys, and which one differs between
tools, so the platform config and the handler could disagree about the same
spec. The finding points at the second key and names the line of the first.

Bad:

    fields:
      urgency: {type: enum, values: [routine, urgent]}
      urgency: {type: text}

Good:

    fields:
      urgency: {type: enum, values: [routine, urgent]}
      urgency_notes: {type: text}
`,
	},
	{
		ID: DuplicateWorkflowID, Severity: diag.Error,
		Summary: "two spec files declare the same workflow id",
		Doc: `
The workflow id names the generated directory, the Go package, the webhook
route (/hooks/<id>/<provider>) and the events' workflow_id. Two specs with one
id would overwrite each other's output and mix their calls.

Bad (in two files):

    workflow: {id: intake, title: Intake, goal: Report a problem}

Good:

    workflow: {id: maintenance_intake, title: Intake, goal: Report a problem}
`,
	},
	{
		ID: EnumValues, Severity: diag.Error,
		Summary: "an enum field without values, with empty or repeated values, or values on a non-enum field",
		Where:   "compiler/check, while checking the fields (check.go: options)",
		Doc: `
An enum is only useful when the platform can pick from a fixed list and the
handler can route on it. Each enum needs a non-empty list of distinct values;
values on any other type are a mistake (probably a missing type: enum).

Bad:

    fields:
      urgency: {type: enum, values: [routine, urgent, routine]}

Good:

    fields:
      urgency: {type: enum, values: [routine, urgent, emergency]}
`,
	},
	{
		ID: FieldType, Severity: diag.Error,
		Summary: "unknown field type, list without items, or an option that does not fit the type",
		Where:   "compiler/check, while checking the fields (check.go: fields, options)",
		Doc: `
Field types decide the JSON Schema, the platform extractor and the Go type of
the handler. Types are text, number, integer, boolean, enum, phone (E.164),
email, date, datetime and list (with items: <type>). Options must fit the
type: min/max for numbers, max_length for text and lists (number of items),
pattern (RE2) for text, and min must not exceed max. Type names of other
systems get a did-you-mean (bool → boolean, string → text, int → integer).
A field whose type does not check is still declared for CEL (as dyn), so the
rules that read it are not reported as reading an undefined field.

Bad:

    fields:
      income: {type: money, max_length: 10}

Good:

    fields:
      income: {type: number, min: 0}
`,
	},
	{
		ID: GoNameClash, Severity: diag.Error,
		Summary: "two fields, or two enum values, become the same Go name in the generated handler",
		Doc: `
The generated Go handler turns every field into a field of its Fields struct
and every enum value into a constant: rooms_2 becomes Rooms2, urgent becomes
UrgencyUrgent. Letters and digits are kept, and underscores, punctuation,
spaces and case are not, so rooms_2 and rooms2 would both be Rooms2, and the
values "+1" and "-1" of a field delta both DeltaX1. The generator would name
the second one Rooms22 or DeltaX12, and that name would silently change
meaning when the spec is reordered: code that reads Fields.Rooms2 would read
the other field. Rename one of the two so that they differ in a letter or a
digit. (An enum field's type shares the names of every enum's constants:
a field urgency_high clashes with the value high of a field urgency.)

Bad:

    fields:
      rooms2: {type: integer}
      rooms_2: {type: integer}
      delta: {type: enum, values: ["+1", "-1"]}

Good:

    fields:
      rooms_before: {type: integer}
      rooms_after: {type: integer}
      delta: {type: enum, values: [plus_one, minus_one]}
`,
	},
	{
		ID: HandoffCallerMessage, Severity: diag.Error,
		Summary: "a handoff rule does not tell the caller what happens next, or promises an automated outcome",
		Doc: `
When a rule hands the call to a person, the caller hears caller_message.
It must tell them what happens next (who will follow up, and how), and it
must not promise an outcome: the assistant cannot know whether a repair,
refund, approval or cover will happen, and a promise made on a recorded
line is hard to take back. Leave commitments to the person who takes over.

A message tells what happens next when it says who acts or that the caller
is passed on ("will", "'ll", "call you back", "get back to you", "follow
up", "transfer", "connect", "stay on the line", …).

The same holds for incomplete.caller_message, which the caller of an
incomplete call hears. The phrases are those of the spec's language
(en, es, fr, de, pt; see missing-disclosure); matching ignores case and
accents.

Promises that are reported in English (* is any word ending):
"we will fix", "will be fixed", "will be repaired", "will be replaced",
"approved", "is accepted", "guarantee*", "refund*", "reimburs*",
"compensat*", "waive*", "you are covered", "is covered", "you qualify",
"you are eligible", "free of charge", "no charge", "at no cost", "will be
credited", "is resolved", "will be resolved", "we will resolve", "is
confirmed", "is booked", "promise*".

Bad:

    caller_message: Don't worry, we will fix it tomorrow and refund the call-out fee.

Good:

    caller_message: >-
      I am passing this to a person now. Someone from the team will call
      you back within the hour.
`,
	},
	{
		ID: IdempotencyKey, Severity: diag.Error,
		Where:   "compiler/check decides that the key is a string (check.go: compile); rules/idempotency_key.go what it reads",
		Summary: "webhook.idempotency_key is not a string, does not use call.id, or reads fields",
		Doc: `
Platforms retry deliveries, and the handler must turn every retry of one
call into the same single event. The idempotency key decides what counts as
"the same call": two deliveries with one key are one call. The key is CEL
over call and workflow and must be a string (default: call.id).

It must use call.id: a key made only of call.provider, workflow.id or a
constant is the same for every call, so the second call of the day would be
dropped as a duplicate of the first. It must not read fields: extraction is
done by a language model, and a retry may carry slightly different values,
which would turn one call into two events.

Bad:

    webhook:
      idempotency_key: workflow.id + ":" + fields.callback_phone

Good:

    webhook:
      idempotency_key: call.provider + ":" + call.id
`,
	},
	{
		ID: MissingCTA, Severity: diag.Warning,
		Summary: "the docs page has no call to action with a label and an https URL",
		Doc: `
The public docs page exists so that a reader can turn the workflow into a
working Call App. Without a call to action (docs.cta) the page is a dead
end; a CTA without a label renders as an empty button, and one whose URL
is not https sends readers to a sign-up page anyone on the way can change.
Internal workflows that have no public page can turn the rule off in
callspec.yaml or suppress it with a reason.

Bad:

    docs:
      cta: {label: Create this Call App, url: "app.example.com/new"}

Good:

    docs:
      cta:
        label: Create this Call App
        url: https://app.example.com/new?template=maintenance_report_intake
`,
	},
	{
		ID: MissingDisclosure, Severity: diag.Error,
		Summary: "the disclosure is missing or does not say the caller talks to an automated assistant and may be recorded",
		Doc: `
The disclosure is the first thing the assistant says. Callers have a right
to know that they are talking to a machine and that the call may be
recorded; in many places the law requires both, before anything else is
said. A disclosure that only greets the caller is not enough.

The rule looks for words that say the assistant is automated (automated,
AI, bot, virtual assistant, virtual receptionist, digital assistant, not a
person, …) and words that say the call may be recorded (recorded,
recording, record this call, …), ignoring case and accents. A disclosure
that says the call is not recorded is reported too.

The words are those of the spec's language (` + "`language:`" + `, default en):
en, es, fr, de and pt have lists (asistente automático / grabada,
assistant virtuel / enregistré, automatisierter Assistent / aufgezeichnet,
assistente virtual / gravada, …). For another language the phrase checks
of this rule and of handoff-caller-message are off, and the rule says so
as info: read the disclosure and the caller messages yourself.

Bad:

    disclosure: Hi, thanks for calling Acme Properties!

Good:

    disclosure: >-
      Hi, you've reached the automated assistant for Acme Properties.
      This call may be recorded.
`,
	},
	{
		ID: MissingHandoff, Severity: diag.Error,
		Summary: "pii fields or sensitive enum values without a handoff rule that can fire on them",
		Doc: `
Some calls must reach a person: an emergency, a medical or legal question,
a payment dispute, a complaint. And a workflow that collects personal data
(a pii field; phone and email fields are pii unless pii: false) must have a
way for a person to take over when the caller needs one.

So the rule asks for:

- at least one handoff rule that can fire, when a field is pii;
- for every enum value that names a sensitive topic, a handoff rule that
  reads that field and can fire when the field has that value. A rule
  "can fire" unless it is false whatever the other fields and the call
  hold (the rule is evaluated with only that field known).

Sensitive topics are enum values with one of these words (split at _ and
-; plurals count): emergency, danger, injury, medical, health, clinical,
medication, suicide, harm, abuse, harassment, violence, threat, police,
legal, lawsuit, attorney, lawyer, payment, billing, refund, fraud, debt,
financial, complaint, dispute, death, bereavement.

Bad:

    fields:
      request_type: {type: enum, values: [appointment, medical_question, complaint], required: true}
    handoff: []

Good:

    handoff:
      - reason: clinical_or_complaint
        when: fields.request_type in ["medical_question", "complaint"]
        caller_message: A person from the practice will call you back today.
`,
	},
	{
		ID: NextAction, Severity: diag.Error,
		Summary: "next_action is missing, not lower_snake, or names more than one action",
		Doc: `
A routine call ends with exactly one next action: the generated handler
calls one method of your service for it, the docs page names it, and the
completed event carries it. Without one, a completed call has nowhere to
go; with two in one name ("create_ticket_and_email_owner") the handler
cannot tell which one failed. It is lower_snake because it becomes a Go
method name and a JSON value. Do the second thing inside the one action.

Bad:

    next_action: Create work order and notify owner

Good:

    next_action: create_work_order
`,
	},
	{
		ID: PatternPortable, Severity: diag.Error,
		Summary: "a field pattern uses RE2 syntax that the JSON Schemas' regular expressions (ECMA-262) reject or read differently",
		Doc: `
A field's pattern is checked twice: by the handler, with Go's RE2, and by
whoever reads the JSON Schemas callspec builds (the voice platforms'
extractors, validators in other languages), which use ECMA-262 regular
expressions with the u flag, as JSON Schema prescribes. A pattern that
only RE2 accepts makes the schema invalid there, or is read as something
else; one that both accept but read differently lets a value through on
one side that the other refuses.

Reported, with what to write instead (where it is a plain replacement, it
means the same to RE2):

- flag groups (?i) (?s) (?m) (?U) and (?i:…): spell both cases ([Aa]),
  [\d\D] for a . that matches line breaks, ^…$ around the whole value,
  lazy quantifiers (*?);
- \A and \z: ^ and $;
- (?P<name>…): (?<name>…); a group name must not start with a digit;
- POSIX classes [[:alpha:]]: [A-Za-z] (and so on for each class);
- \Q…\E: the text with each special character escaped;
- \pN: \p{N}; \p{^N}: \P{N}; scripts such as \p{Greek}, which ECMA-262
  writes \p{Script=Greek} and RE2 rejects: the characters themselves;
- \x{41}, octal escapes such as \101 and \a: \x41 (or the character);
- a backslash before a character that needs none (\_ \# \, \ ): the
  character alone;
- a { } or ] that RE2 takes literally: \{ \} \];
- a class opening with ] ([]a]): [\]a]; a - after \d or [:alpha:] in a
  class: \-;
- a quantifier on an anchor (^* \b+), which ECMA-262 rejects: remove it;
- \s and \S: RE2's \s is [\t\n\f\r ], ECMA-262's also matches \v,
  no-break spaces and the other Unicode spaces, so write [\t\n\f\r ].

One difference is not reported, because patterns rarely depend on it: RE2's
. matches \r, U+2028 and U+2029, ECMA-262's does not.

Bad:

    fields:
      order_id: {type: text, pattern: '(?i)\Aord-[[:digit:]]{6}\z'}

Good:

    fields:
      order_id: {type: text, pattern: '^[Oo][Rr][Dd]-[0-9]{6}$'}
`,
	},
	{
		ID: PIILogged, Severity: diag.Error,
		Summary: "the log list names a pii field, the caller, a phone number or the transcript",
		Doc: `
Handler logs are kept longer, copied further and read by more people than
the data itself, and they are rarely covered by deletion requests. The
log: list is the only thing the generated handler may log, so it must not
name personal data: a field that is pii (phone and email fields are pii
unless marked pii: false), the whole fields object, the caller object,
the caller's or called number (call.from, call.to, caller.phone_e164), or
the transcript. Log ids, statuses and non-personal fields instead.

Bad:

    fields:
      callback_phone: {type: phone}
    log: [workflow_id, call.id, call.from, fields.callback_phone, transcript]

Good:

    log: [workflow_id, call.id, call.status, fields.issue_type]
`,
	},
	{
		ID: QuestionUnknownField, Severity: diag.Error,
		Summary: "a question collects a field that is not declared under fields",
		Doc: `
Each question says which fields its answer fills (collects). The platform's
extractor is configured from the declared fields only, so a name that is
not declared is collected by nobody: the answer is heard and lost. Usually
it is a typo or a field that was renamed.

Bad:

    questions:
      - id: callback
        ask: Which number should we call you back on?
        collects: [callback_number]
    fields:
      callback_phone: {type: phone}

Good:

    questions:
      - id: callback
        ask: Which number should we call you back on?
        collects: [callback_phone]
`,
	},
	{
		ID: RelatedLink, Severity: diag.Warning,
		Summary: "docs.related names a workflow that is not in the linted set, or a link that is not https",
		Doc: `
The public docs page links to related workflows and pages. A workflow id
that no spec declares becomes a dead link, and a plain-http link sends
readers to a page anyone on the way can change. Ids are checked against
the workflows linted together, so lint the whole workflows/ directory;
linting one file alone reports every id of another file.

Bad:

    docs:
      related: [human_hand_off, "http://example.com/compliance"]

Good:

    docs:
      related: [human_handoff, "https://example.com/compliance"]
`,
	},
	{
		ID: RequiredFieldUnasked, Severity: diag.Error,
		Summary: "a required field is not collected by any question",
		Doc: `
A required field must be there for the call to complete; when it is
missing, the call is handed to a person as incomplete_call. If no question
asks for it, the assistant never asks, the caller rarely volunteers it, and
almost every call ends incomplete. Add the field to the collects list of
the question that asks for it, or make the field optional.

Bad:

    questions:
      - id: issue
        ask: What needs fixing?
        collects: [issue_type]
    fields:
      issue_type: {type: enum, values: [leak, other], required: true}
      location: {type: text, required: true, max_length: 200}

Good:

    questions:
      - id: issue
        ask: What needs fixing, and where in the unit is it?
        collects: [issue_type, location]
`,
	},
	{
		ID: ScenarioCoverage, Severity: diag.Error,
		Summary: "tests lack a routine, an incomplete or a sensitive scenario",
		Doc: `
callspec test runs each scenario through the same decision code the
handler runs. Three kinds of call happen to every workflow, and each must
be tested: a routine call that completes with the next action, an
incomplete call (the caller hangs up, or a required field is missing) that
hands off as incomplete_call, and a sensitive call that a handoff rule must
route to a person. A workflow without the sensitive scenario has never
shown that its handoff rules fire.

Each handoff rule should also be exercised: some scenario should be
decided by it (run through the same decision code, it is the first rule
that is true). A rule that no scenario exercises is a warning: it may
never fire, or a rule above it may always win.

Bad:

    tests:
      - name: routine leak
        kind: routine
        fields: {issue_type: leak, location: kitchen, urgency: routine}
        expect: {next_action: create_work_order}

Good (add):

      - name: caller hung up early
        kind: incomplete
        fields: {issue_type: leak}
        expect: {handoff: incomplete_call}
      - name: sparking outlet
        kind: sensitive
        fields: {issue_type: electrical, location: bedroom, urgency: urgent}
        expect: {handoff: emergency_or_sensitive_request}
`,
	},
	{
		ID: ScenarioInvalid, Severity: diag.Error,
		Summary: "a test scenario sets values its fields do not accept, omits required fields, or expects an outcome that cannot happen",
		Doc: `
A scenario is a call as the platform would deliver it. Its field values are
checked with the same validator the generated handler runs, so a scenario
that passes lint is a delivery the handler accepts: an enum value must be
one of the declared values, a phone number E.164, a date YYYY-MM-DD, text
within max_length and pattern, and so on. Only a scenario of kind
incomplete may leave required fields out; every other kind must give
them, or it tests the incomplete_call path by accident. Unknown field
names are reported too: the handler drops them.

The expectation names exactly one outcome: next_action (which must be the
spec's next_action) or handoff (a declared handoff reason, or one that
callspec decides itself: call_failed, no_answer, incomplete_call);
severity only goes with handoff. An incomplete scenario may expect a
handoff rule: a rule that is true decides even when the call is also
incomplete (an emergency heard before the caller hung up stays an
emergency). call.started_at, when
given, is an RFC 3339 time.

Bad:

    tests:
      - name: routine leak
        kind: routine
        fields: {issue_type: leek, urgency: routine}        # no such value; location missing
        expect: {next_action: create_ticket}                # not the spec's next_action

Good:

    tests:
      - name: routine leak
        kind: routine
        fields: {issue_type: leak, location: kitchen sink, urgency: routine}
        expect: {next_action: create_work_order}
`,
	},
	{
		ID: Schema, Severity: diag.Error,
		Summary: "unknown, missing or wrong-typed key, or a value outside its fixed set (with did-you-mean)",
		Where:   "compiler/spec while decoding (decode.go, load.go), compiler/check for limits, targets and log entries (check.go, log.go), driver/lint for a file that is not a spec (walk.go)",
		Doc: `
Every key of a spec is known: a misspelt key would otherwise be ignored and
the workflow would silently lose a setting. Required keys (callspec,
workflow.id/title/goal, fields, webhook.url/secret, a field's type, a
handoff rule's reason and when, a scenario's name/kind/expect) must be there,
and every value must have the type its key expects. Keys with a fixed set
of values take only those: a handoff rule's severity (info, normal,
urgent) and notify channels, a scenario's kind and expected severity, a
call's direction. Ids and field names are lower_snake because they become
file names, JSON keys and Go identifiers.

Bad:

    workflow:
      id: intake
      titel: Intake      # unknown key "titel"; did you mean "title"?

Good:

    workflow:
      id: intake
      title: Intake
`,
	},
	{
		ID: SecretLiteral, Severity: diag.Error,
		Summary: "a secret is written into the spec instead of read from the environment (env:NAME)",
		Doc: `
Specs are committed, reviewed, copied into docs pages and generated code.
A secret written into one is leaked to everyone who can read the
repository, and rotating it means a commit. Secrets come from the
environment of the handler: webhook.secret, webhook.platforms.<P>.secret
and webhook.forward.secret are always env:NAME, and the handler reads NAME
at start-up.

The rule also reports anything else in the spec that looks like a
credential: Standard Webhooks secrets (whsec_…), Stripe, OpenAI, GitHub,
GitLab, Slack, AWS and Google keys, JSON Web Tokens, a private key block,
and URL query parameters such as ?token=… or ?api_key=…. Messages never
repeat the value. If a value was committed, rotate it: removing it from
the file does not remove it from history.

Bad:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

Good:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
`,
	},
	{
		ID: Syntax, Severity: diag.Error,
		Summary: "the file is not a readable YAML spec (invalid YAML, not UTF-8, too large, empty, several documents)",
		Where:   "compiler/spec, while reading the YAML (load.go, decode.go)",
		Doc: `
A spec must be one YAML document of UTF-8 text, at most 1 MiB, without tabs
for indentation, and without alias chains that expand past 50,000 nodes or
nesting deeper than 32 levels. Nothing else in the file can be checked until
it parses, so this finding comes first.

Bad:

    workflow:
    	id: intake        # a tab indents this line

Good:

    workflow:
      id: intake
`,
	},
	{
		ID: TargetUnsupported, Severity: diag.Warning,
		Summary: "a target platform cannot express a field as declared, so its config uses the closest type",
		Doc: `
Each target gets its own configuration, in the platform's own types. Where a
platform has no matching type, callspec maps the field to the closest one and
the handler still checks the value against the spec, so a value the platform
could not constrain may be refused and the call handed to a person. Such a
loss, which the handler handles safely (a number or integer that Synthflow
extracts as text and the handler parses, an integer that Retell sends as a
number and the handler refuses when it has a fraction), is reported as
info; a warning is a value the platform cannot deliver at all (CallCow,
Phonely) or one that arrives changed (a list split on commas). The mapping
tables are in the providers package documentation (go doc
github.com/callspec/callspec/providers).

Examples: Synthflow extracts numbers with an open question, as free text;
Retell has no integer or list type; CallCow and Phonely have no typed
extraction at all. Spoken text counts too: Bland documents its first
message (first_sentence, the disclosure) as less than 200 characters, so a
longer disclosure is reported for a bland target.

Bad (annual_income arrives from Synthflow as free text such as "about 60k"):

    fields:
      annual_income: {type: number, min: 0}
    targets: [synthflow]

Good: target a platform that has the type, accept the loss with a
suppression that says why, or ask for the value in a form the platform
returns reliably:

    # callspec:ignore target-unsupported the handler parses digits; other answers go to a person
    targets: [synthflow]
`,
	},
	{
		ID: UnguardedOptional, Severity: diag.Warning,
		Summary: "a handoff rule reads an optional field without a has() guard",
		Doc: `
An optional field is absent when the call did not produce it. Reading an
absent field in CEL is an error, and a handoff rule whose expression fails
cannot be decided: unless a later rule is true, the call is handed to a
person as incomplete_call, with the rule in undecided_rules. That is safe,
but it is rarely what the author meant: a rule such as
fields.income < 30000 would send every caller who skipped the question to
a person.

Guard the read so the rule says what should happen when the field is
absent:

- has(fields.x) && fields.x > 1        (false when absent)
- !has(fields.x) || fields.x > 1       (true when absent)
- has(fields.x) ? fields.x > 1 : false
- fields.?x.orValue(0) > 1             (a default when absent)

A guard counts when it must hold for the read to matter: a conjunct of the
same &&, a negated disjunct of the same ||, or the condition of ?:. CEL's
&& and || ignore an error on one side when the other side decides the
result, so the guard may stand on either side. Required fields need no
guard: a call without them is incomplete anyway, and a rule that reads
one is undecided unless the rest of it decides.

Bad:

    fields:
      annual_income: {type: number}
    handoff:
      - reason: low_income
        when: fields.annual_income < 30000

Good:

    when: has(fields.annual_income) && fields.annual_income < 30000
`,
	},
	{
		ID: UnknownSuppression, Severity: diag.Error,
		Summary: "a # callspec:ignore comment names no rule, an unknown rule, gives no reason, or silences nothing",
		Where:   "driver/lint, while reading # callspec:ignore comments (suppress.go, unused.go)",
		Doc: `
A suppression silences one rule on its own line and, when the comment
stands alone on its line, on the line below:

    # callspec:ignore RULE[,RULE…] reason

A misspelt rule ID silences nothing, so the finding it was meant for stays
and the comment misleads the next reader; a suppression without a reason
hides a decision nobody can review. Both are reported as errors. A
suppression whose rule reports nothing on its lines is reported as a
warning at the rule ID: it is stale, and would silently hide the next real
finding there. (Not in a file with a syntax error: no rule ran on it, so
fix the syntax first.) ` + "`callspec rules`" + ` lists the rule IDs. (Findings of this
rule cannot be suppressed.)

Bad:

    # callspec:ignore target-unsuported
    targets: [synthflow]

Good:

    # callspec:ignore target-unsupported the handler parses digits; other answers go to a person
    targets: [synthflow]
`,
	},
	{
		ID: UnusedField, Severity: diag.Warning,
		Summary: "an optional field is neither collected by a question nor read by a handoff rule",
		Doc: `
Every field costs something: the extractor looks for it, the schema and
the handler carry it, and if it holds personal data it has to be
protected. An optional field that no question asks for and no handoff rule
reads is only filled when the caller happens to volunteer it, and nothing
decides on it. Either ask for it (add it to a question's collects), use it
in a handoff rule, or remove it. Fields the platform derives from the whole
call (a summary, the sentiment) count as used when a rule reads them.

Bad:

    questions:
      - id: issue
        ask: What needs fixing?
        collects: [issue_type]
    fields:
      issue_type: {type: enum, values: [leak, other], required: true}
      floor: {type: integer}        # never asked, never read

Good:

    questions:
      - id: issue
        ask: What needs fixing, and on which floor?
        collects: [issue_type, floor]
`,
	},
	{
		ID: URLTokenShared, Severity: diag.Error,
		Summary: "a platform that authenticates with a token in its webhook URL (Synthflow, CallCow, Phonely) shares that secret's variable with another platform",
		Doc: `
A URL token is the weakest secret a workflow holds: the URL is shown in
the platform's dashboard and written to proxy and access logs. When the
same variable is another platform's signing key (Vapi's HMAC secret,
CallURL's Standard Webhooks secret) or another platform's token, anyone
who reads one URL can make that other platform's deliveries pass. Give
each URL-token platform its own variable under webhook.platforms.

Bad:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
    targets: [vapi, synthflow]

Good:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
      platforms:
        synthflow: {secret: env:SYNTHFLOW_URL_TOKEN}
    targets: [vapi, synthflow]
`,
	},
	{
		ID: VendorSecretShared, Severity: diag.Error,
		Summary: "a platform whose signing secret the vendor chooses (Retell, Bland) shares its secret's environment variable with another platform",
		Doc: `
Retell signs its webhooks with the account's API key and Bland with the
signing secret Bland generates; neither can be set to a value callspec
or another platform chose. Two such platforms on one variable cannot
both verify, and any other platform on the same variable would have to
be given the vendor's key: Vapi or Synthflow would then hold your Retell
API key. Give each such platform its own variable under
webhook.platforms (webhook.secret stays the default of the others).

Bad:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
    targets: [retell, vapi]

Good:

    webhook:
      url: https://ops.example.com/hooks/intake
      secret: env:INTAKE_WEBHOOK_SECRET
      platforms:
        retell: {secret: env:RETELL_API_KEY}
    targets: [retell, vapi]
`,
	},
	{
		ID: WebhookURL, Severity: diag.Error,
		Summary: "a webhook URL is not https, has no scheme, carries credentials, or points at a loopback or private host",
		Doc: `
The voice platform posts every call's outcome, personal data included, to
webhook.url, and the handler relays events to webhook.forward.url. Both
must be https, so nobody on the way can read or change a delivery. A URL
without a scheme (www.example.com/hook, as in Synthflow's own example) is
refused or guessed differently by each platform. Credentials in the URL
(https://user:pass@host/) end up in platform dashboards and logs; sign
deliveries with webhook.secret instead. A loopback, private, link-local or
unspecified host (localhost, 127.0.0.1, 10.0.0.5, 192.168.1.2, 169.254.x.x,
::1, fe80::…, 0.0.0.0, or the same addresses spelt as one number such as
http://2130706433/ or in hex such as 0x7f000001) cannot be reached by a
cloud platform, and a receiver that forwards there can be turned against
your internal network.

Bad:

    webhook:
      url: www.example.com/webhook_url
      forward: {url: "http://10.0.0.5:8080/events", secret: env:CRM_SECRET}

Good:

    webhook:
      url: https://ops.example.com/hooks/maintenance_report_intake
      forward: {url: https://crm.example.com/callspec, secret: env:CRM_SECRET}
`,
	},
}
