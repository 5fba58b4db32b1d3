// Package synthflow is the Synthflow platform's run-time adapter: it decodes,
// encodes, verifies and signs webhook deliveries. The configuration
// described under Config is written by package synthflowconfig, which a
// deployed handler does not import.
//
// # Config
//
// generated/<id>/providers/synthflow.json holds one information extractor
// action per field, each a create-action body
// {"INFORMATION_EXTRACTOR": {<kind>: {"identifier", "description",
// "choices" | "examples"}}} (POST /v2/actions; then attach the returned
// action ids to the agent with POST /v2/actions/attach {"model_id",
// "actions"}), then external_webhook_url and agent,
// which together are the body of the assistant update
// (PUT /v2/assistants/{model_id}, which changes only the keys it is
// given): agent.greeting_message is the spec's disclosure, spoken as
// written (greeting_message_mode agent_static), and agent.prompt the agent
// prompt every platform gets (goal, questions, handoff rules in words with
// their caller messages). Synthflow reads curly brackets in the prompt as
// variables. Each extractor's identifier is the field name, which is how
// the adapter finds its value again; the request has no question key, so
// the description starts with the question that collects the field,
// followed by the field's description, format and constraints. The kind
// names YES_NO, SINGLE_CHOICE and OPEN_QUESTION and the nesting are those
// of Synthflow's actions API (docs/PLATFORMS.md).
//
// Type mapping (spec → extractor):
//
//	boolean   YES_NO
//	enum      SINGLE_CHOICE (choices = values)
//	text      OPEN_QUESTION (examples)
//	phone     OPEN_QUESTION (E.164 stated, example +14155550123)
//	email     OPEN_QUESTION (examples)
//	date      OPEN_QUESTION (YYYY-MM-DD stated and in examples)
//	datetime  OPEN_QUESTION (RFC 3339 stated and in examples)
//	number    OPEN_QUESTION (LOSS: the answer is free text; the handler parses "60000" or "60,000" but refuses "about 60k")
//	integer   OPEN_QUESTION (LOSS: as number, and must be whole)
//	list      OPEN_QUESTION (LOSS: free text, split on commas by the adapter)
//
// # Inbound
//
// The webhook body is the post-call object of seed 002: status, lead, call
// and executed_actions. Each executed action of type
// extract_info_action_type (or named extract_info_…) is one extractor; its
// value is the single value of return_value, whatever that value's key is
// (Synthflow keys it by the extractor's label, which may contain spaces
// and differs from the identifier), and null means "not extracted". The
// action is matched to a field, first rule that gives exactly one field
// wins:
//
//  1. parameters_hard_coded.identifier equals a field name (what the
//     emitted config sets up);
//  2. the label (the action name after "extract_info_"), normalised to
//     lower_snake, equals a field name ("zip code" → zip_code);
//  3. the identifier, normalised, equals a field name;
//  4. the normalised label and a field name extend one another by whole
//     words: the field ends or starts with the label ("zip" → zip_code),
//     or the label ends or starts with the field ("user email" → email);
//  5. the same for the normalised identifier.
//
// A match found by rules 2–5 is noted; an action that matches no field, or
// more than one, is skipped with a note.
//
// Status mapping (call.status, else the top-level status): completed →
// completed, failed → failed, queue → queued, paused and initiated →
// in_progress, no-answer → no_answer, busy → busy, hangup_on_voicemail →
// voicemail.
//
// End reasons (call.end_call_reason): voicemail → voicemail, human_goodbye
// → caller_hangup, agent_goodbye → agent_hangup, human_pick_up_cut_off →
// cut_off, max_duration → max_duration, undefined → none. Others pass
// through.
//
// caller.phone_e164 is lead.phone_number. The lead is the customer
// whichever way the call went: the person who called in, or the person an
// outbound campaign dialled. Synthflow sends no direction and no number of
// the agent's own line, so call.from is the lead's number and call.to is
// empty. Synthflow redacts the number in its own example ("XXXXXXXX"),
// which is not E.164 and is therefore left out.
// call.start_time carries its offset and becomes UTC; call.duration is in
// seconds.
//
// # Signature
//
// Synthflow's signature (docs/PLATFORMS.md: a base64 HMAC-SHA256 of the
// call id only, under a header name not confirmed) is not verified yet.
// Synthflow documents no custom headers, so by default (auth url_token) the
// secret is a token in the URL path: the webhook URL is
// <webhook.url>/synthflow/<token>, the token being the platform's secret
// (webhook.platforms.synthflow.secret, default webhook.secret). The handler
// compares it in constant time and never logs it; signature_status is
// url_token. The opt-in auth header expects X-Callspec-Secret instead, for
// a webhook or a proxy that can add it.
package synthflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/internal/signature"
)

// Name is the provider's name.
const Name = "synthflow"

// ActionPrefix starts the name of every information extractor action in
// the webhook body.
const ActionPrefix = "extract_info_"

// ActionType is the action_type of an extractor in the webhook body.
const ActionType = "extract_info_action_type"

// Extractor kinds.
const (
	YesNo         = "YES_NO"
	SingleChoice  = "SINGLE_CHOICE"
	OpenQuestion  = "OPEN_QUESTION"
	ExtractorKind = "INFORMATION_EXTRACTOR"
)

func init() { providers.Register(Provider{}) }

// Provider is Synthflow.
type Provider struct{ signature.Unsigned }

// WithAuth implements providers.AuthSelector: url_token (the default) or
// header (X-Callspec-Secret, for a webhook that takes custom headers).
func (Provider) WithAuth(mode string) providers.Adapter {
	return Provider{signature.Unsigned{Header: mode == workflow.AuthHeader}}
}

// Name implements providers.Adapter.
func (Provider) Name() string { return Name }

var (
	statusTable = payload.Table{
		"completed":           payload.StatusCompleted,
		"failed":              payload.StatusFailed,
		"queue":               payload.StatusQueued,
		"paused":              payload.StatusInProgress,
		"initiated":           payload.StatusInProgress,
		"no-answer":           payload.StatusNoAnswer,
		"busy":                payload.StatusBusy,
		"hangup_on_voicemail": payload.StatusVoicemail,
	}
	endTable = payload.Table{
		"voicemail":             payload.EndVoicemail,
		"human_goodbye":         payload.EndCallerHangup,
		"agent_goodbye":         payload.EndAgentHangup,
		"human_pick_up_cut_off": payload.EndCutOff,
		"max_duration":          payload.EndMaxDuration,
		"undefined":             "",
	}
	statusOut = payload.Table{
		payload.StatusCompleted:  "completed",
		payload.StatusFailed:     "failed",
		payload.StatusQueued:     "queue",
		payload.StatusInProgress: "initiated",
		payload.StatusNoAnswer:   "no-answer",
		payload.StatusBusy:       "busy",
		payload.StatusVoicemail:  "hangup_on_voicemail",
	}
	endOut = payload.Reverse(endTable)
)

// Decode implements providers.Adapter.
func (Provider) Decode(body []byte, def *workflow.Definition) (*event.Inbound, error) {
	r := payload.NewReader(Name)
	root := r.Parse(body)
	if r.Failed() {
		return nil, r.Err()
	}
	call := r.Object(root, "call")
	if call == nil && !r.Failed() {
		r.Fail("the body has no call object")
	}
	if r.Failed() {
		return nil, r.Err()
	}
	in := &event.Inbound{Fields: map[string]any{}}
	in.Call.Provider = Name
	in.Call.ID = r.ID(root, "call", "call_id")
	status := r.String(call, "status")
	if status == "" {
		status = r.String(root, "status")
	}
	in.Call.Status = r.Map(statusTable, status, "call.status")
	if in.Call.Status == "" {
		in.Call.Status = payload.StatusCompleted
	}
	if reason := r.String(call, "end_call_reason"); reason != "" {
		if v, ok := endTable[reason]; ok {
			in.Call.EndReason = v
		} else {
			in.Call.EndReason = r.Map(nil, reason, "call.end_call_reason")
		}
	}
	start, _ := payload.Get(call, "start_time")
	in.Call.StartedAt = r.Time(start, "call.start_time")
	if d, ok := r.Number(root, "call", "duration"); ok {
		in.Call.DurationS = r.Seconds(d, time.Second, "call.duration")
	}
	in.CallerFrom = strings.TrimSpace(r.String(root, "lead", "phone_number"))
	in.CallerPhone = r.Caller(in.CallerFrom, "lead.phone_number")

	actions := r.Object(root, "executed_actions")
	keys := make([]string, 0, len(actions))
	for k := range actions {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		a, ok := actions[key].(map[string]any)
		if !ok {
			continue
		}
		takeAction(r, in.Fields, key, a, def)
	}
	splitLists(in.Fields, def)
	if r.Failed() {
		return nil, r.Err()
	}
	in.Notes = r.Notes
	return in, nil
}

// takeAction reads one executed action into fields when it is an
// extractor that matches a field.
func takeAction(r *payload.Reader, fields map[string]any, key string, a payload.Object, def *workflow.Definition) {
	name, _ := a["name"].(string)
	if name == "" {
		name = key
	}
	actionType, _ := a["action_type"].(string)
	if actionType != ActionType && actionType != ExtractorKind && !strings.HasPrefix(name, ActionPrefix) {
		return
	}
	label := strings.TrimPrefix(name, ActionPrefix)
	var identifier string
	if p, ok := a["parameters_hard_coded"].(map[string]any); ok {
		identifier, _ = p["identifier"].(string)
	}
	field, byIdentifier := match(def, identifier, label, fields)
	if field == "" {
		r.Note("an information extractor matched no field of workflow %s (or more than one) and was skipped", def.ID)
		return
	}
	if !byIdentifier {
		r.Note("the extractor for field %s was matched by its label, not its identifier; set the identifier to %s", field, field)
	}
	rv, present := a["return_value"]
	if !present {
		return
	}
	value, ok := single(rv, identifier, label)
	if !ok {
		r.Note("the extractor for field %s returned several values and none under its own name, so it was skipped", field)
		return
	}
	fields[field] = value
}

// single returns the one value of a return_value: the only value of an
// object, whatever its key, or the value itself when it is not an object.
func single(rv any, keys ...string) (any, bool) {
	m, ok := rv.(map[string]any)
	if !ok {
		return rv, true
	}
	if len(m) == 0 {
		return nil, true
	}
	if len(m) == 1 {
		for _, v := range m {
			return v, true
		}
	}
	for _, k := range keys {
		if v, ok := m[k]; ok && k != "" {
			return v, true
		}
	}
	return nil, false
}

// match finds the field an extractor fills (see the package
// documentation); fields already filled are not candidates.
func match(def *workflow.Definition, identifier, label string, filled map[string]any) (field string, byIdentifier bool) {
	free := func(n string) bool {
		_, ok := def.Field(n)
		_, done := filled[n]
		return ok && !done
	}
	if free(identifier) {
		return identifier, true
	}
	l, id := payload.Snake(label), payload.Snake(identifier)
	if free(l) {
		return l, false
	}
	if free(id) {
		return id, false
	}
	for _, n := range []string{l, id} {
		if n == "" {
			continue
		}
		var found []string
		for _, f := range def.Fields {
			if !free(f.Name) {
				continue
			}
			if extends(f.Name, n) || extends(n, f.Name) {
				found = append(found, f.Name)
			}
		}
		if len(found) == 1 {
			return found[0], false
		}
		if len(found) > 1 {
			return "", false
		}
	}
	return "", false
}

// extends reports whether long is short plus whole words on either side.
func extends(long, short string) bool {
	return strings.HasSuffix(long, "_"+short) || strings.HasPrefix(long, short+"_")
}

// splitLists turns the comma-separated text an open question returns for
// a list field into a list.
func splitLists(fields map[string]any, def *workflow.Definition) {
	for _, f := range def.Fields {
		if f.Type != celenv.ListKind {
			continue
		}
		s, ok := fields[f.Name].(string)
		if !ok {
			continue
		}
		items := []any{}
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, part)
			}
		}
		fields[f.Name] = items
	}
}

// Encode implements providers.Adapter: a body in the shape of seed 002,
// with one extractor per field whose identifier is the field name.
func (Provider) Encode(in *event.Inbound, def *workflow.Definition) ([]byte, error) {
	call := map[string]any{
		"status":          statusOut.Lookup(in.Call.Status),
		"end_call_reason": endOut.Lookup(in.Call.EndReason),
		"call_id":         in.Call.ID,
		"duration":        in.Call.DurationS,
		"transcript":      "",
	}
	if in.Call.EndReason == "" {
		call["end_call_reason"] = "undefined"
	}
	if in.Call.StartedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.Call.StartedAt)
		if err != nil {
			return nil, fmt.Errorf("encode synthflow: started_at is not RFC 3339: %w", err)
		}
		call["start_time"] = t.UTC().Format(time.RFC3339)
	}
	actions := map[string]any{}
	for _, f := range def.Fields {
		v, ok := in.Fields[f.Name]
		if !ok {
			continue
		}
		if items, isList := v.([]any); isList {
			parts := make([]string, 0, len(items))
			for _, it := range items {
				parts = append(parts, fmt.Sprint(it))
			}
			v = strings.Join(parts, ", ")
		}
		label := payload.Human(f.Name)
		actions[ActionPrefix+label] = map[string]any{
			"name":        ActionPrefix + label,
			"action_type": ActionType,
			"call_id":     in.Call.ID,
			"parameters_hard_coded": map[string]any{
				"identifier": f.Name, "condition": "", "choices": nil, "examples": []string{},
			},
			"error_message": nil,
			"return_value":  map[string]any{label: v},
		}
	}
	body := map[string]any{
		"status":           statusOut.Lookup(in.Call.Status),
		"error_message":    "",
		"lead":             map[string]any{"name": "", "phone_number": in.Customer(), "prompt_variables": map[string]any{}},
		"call":             call,
		"executed_actions": actions,
		"analysis":         map[string]any{},
		"metadata":         map[string]any{},
	}
	return payload.Marshal(body)
}

// SignatureScheme implements providers.Adapter.
func (p Provider) SignatureScheme() string { return p.Scheme("Synthflow") }
