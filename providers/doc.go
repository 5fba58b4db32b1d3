// Package providers defines what a voice platform is to a deployed
// callspec handler: an Adapter (the platform's post-call webhook → the
// canonical inbound call, and its signature scheme). Each platform's
// adapter lives in providers/<name> and registers itself; providers/all
// imports them all. What the build needs of a platform (its configuration
// and what it cannot express) is the platform's config emitter in
// providers/<name>/<name>config (see package providers/configs), kept
// apart so that a handler imports no compiler package.
//
// Adding a platform touches one folder: an adapter package under
// providers/ whose init calls Register, an emitter package under it whose
// init calls configs.Register, a blank import of each in providers/all and
// providers/configs/allconfigs (a test keeps the two registries equal;
// compiler/check.KnownTargets reads the adapters').
//
// Each platform package's documentation has the details and the sources;
// this page has the tables that compare them.
//
// # Field types per platform
//
// What each spec type becomes in the platform's extraction config. LOSS
// marks a mapping to the closest type that lint reports as
// target-unsupported (warning), naming the platform, the field and what is
// lost. In every case the handler validates the value against the spec
// (workflow.Validate), so a loss means a value the platform did not
// constrain may be refused, and the call handed to a person.
//
//	spec      retell             vapi (JSON Schema)         synthflow             bland (hint)        callurl
//	text      string             string (+pattern)          OPEN_QUESTION         "string"            text
//	number    number             number                     OPEN_QUESTION  LOSS   "number"            number
//	integer   number       LOSS  integer                    OPEN_QUESTION  LOSS   "integer"           integer
//	boolean   boolean            boolean                    YES_NO                "boolean"           boolean
//	enum      enum+choices       string+enum                SINGLE_CHOICE         "one of: …"         enum+values
//	phone     string (E.164 in   string+pattern E.164       OPEN_QUESTION         "phone number in    phone
//	          description+ex.)                                                    E.164, e.g. …"
//	email     string             string, format email       OPEN_QUESTION         "email"             email
//	date      string             string, format date        OPEN_QUESTION         "YYYY-MM-DD"        date
//	datetime  string             string, format date-time   OPEN_QUESTION         "YYYY-MM-DDTHH…Z"   datetime
//	list      string (commas)    array of item type         OPEN_QUESTION  LOSS   "array of …"        list+items
//	          LOSS
//
// CallCow and Phonely have no extraction config (Config is nil). CallCow is
// transcript-only: every field is a LOSS, taken only from the workflow's
// context JSON when a key equals the field name. Phonely's standard
// payload has fixed keys; a field that no key or alias reaches is a LOSS
// and arrives only through the Send Call Data action's custom body.
//
// Descriptions carry the spec's description, the value format and the
// constraints (min, max, max_length, pattern) in words on every platform;
// constraints are enforced by the handler, not reported as losses.
//
// # Call status per platform
//
// Canonical call.status values: completed, no_answer, busy, failed,
// voicemail, in_progress, queued, canceled. A platform value that is not
// in a table below passes through unchanged (with a note), so a new
// platform status never fails a delivery.
//
//	canonical    retell                       vapi                              synthflow             bland                       callcow        phonely
//	completed    ended                        ended (or absent)                 completed             completed, complete         success        (always; no status field)
//	no_answer    dial_no_answer, user_declined  customer-did-not-answer         no-answer             no-answer, answered_by      not_picked_up  endedReason *no-answer*, *did-not-answer*
//	busy         dial_busy                    customer-busy                     busy                  busy                        –              endedReason *busy*
//	failed       not_connected, error, dial_failed, … error_*  not-found, *failed-to-connect*, *error*, *fault*  failed  failed, error, completed:false  –  endedReason *error*, *fault*, *failed*
//	voicemail    voicemail_reached            voicemail                         hangup_on_voicemail   answered_by voicemail       –              endedReason *voicemail*
//	in_progress  ongoing                      ringing, in-progress, forwarding  paused, initiated     started, in-progress, allocated  –         –
//	queued       registered                   scheduled, queued                 queue                 queued                      –              –
//	canceled     manual_stopped               manually-canceled                 –                     canceled, cancelled         –              –
//
// (Retell and Vapi: the reason column refines the status of a finished
// call. CallURL bodies already carry canonical statuses.)
//
// # End reasons per platform
//
// Canonical call.end_reason values: caller_hangup, agent_hangup,
// transferred, voicemail, ivr, inactivity, max_duration, no_answer, busy,
// dial_failed, declined, canceled, cut_off, error. Unknown values pass
// through unchanged.
//
//	canonical      retell                        vapi                                  synthflow              bland
//	caller_hangup  user_hangup                   customer-ended-call*                  human_goodbye          call_ended_by USER
//	agent_hangup   agent_hangup                  assistant-ended-call*, -said-end-call-phrase  agent_goodbye  call_ended_by ASSISTANT
//	transferred    call_transfer, transfer_bridged, call_take_over  assistant-forwarded-call  –               –
//	voicemail      voicemail_reached             voicemail                             voicemail              –
//	ivr            ivr_reached                   –                                     –                      –
//	inactivity     inactivity                    silence-timed-out                     –                      –
//	max_duration   max_duration_reached          exceeded-max-duration                 max_duration           –
//	no_answer      dial_no_answer                customer-did-not-answer               –                      –
//	busy           dial_busy                     customer-busy                         –                      –
//	dial_failed    dial_failed, invalid_destination, telephony_provider_*, sip_routing_error, marked_as_spam  *failed-to-connect*, twilio-reported-customer-misdialed  –  –
//	declined       user_declined                 –                                     –                      –
//	canceled       manual_stopped                manually-canceled                     –                      –
//	cut_off        –                             –                                     human_pick_up_cut_off  –
//	error          error_*, concurrency_limit_reached, no_valid_payment, …  other values containing "error" or "fault"  –  –
//
// Synthflow's "undefined" becomes no end reason. CallCow sends none;
// Phonely's endedReason values are unpublished and pass through.
//
// # Signatures per platform
//
//	retell     x-retell-signature: v=<ms>,d=hex(HMAC-SHA256(API key, body+ms)); ±5 min
//	vapi       HMAC credential (default): x-signature = hex(HMAC-SHA256(secret, "{timestamp}.{body}")), x-timestamp; ±5 min
//	           auth bearer (vapi.New(vapi.Bearer)): Authorization: Bearer <secret>
//	           auth header (vapi.New(vapi.Header)): X-Vapi-Secret: <secret>
//	bland      X-Webhook-Signature = hex(HMAC-SHA256(secret, body)); no timestamp, so no replay protection beyond idempotency
//	callurl    Standard Webhooks v1 (webhook-id, webhook-timestamp, webhook-signature); whsec_ secrets; ±5 min
//	synthflow  auth url_token (default): the secret is the last segment of the URL path,
//	callcow    <webhook.url>/<P>/<token>, checked by the handler (VerifyURLToken), constant-time;
//	phonely    auth header (opt-in): X-Callspec-Secret, constant-time compare
//
// The modes each platform offers are decided in kernel/workflow (AuthOf);
// WithAuth selects one.
//
// Every comparison is constant-time, an empty secret verifies nothing,
// and Verify errors wrap ErrSignature without echoing header values.
package providers
