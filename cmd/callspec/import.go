package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/callurl/callurlconfig"
)

func init() {
	register(&command{
		name:    "import",
		usage:   "callurl FILE [--id ID]",
		summary: "Turn a CallURL structured output schema into a spec skeleton (YAML on stdout).",
		run:     runImport,
	})
}

// envelopeFields are names the CallURL seed schemas list as fields but
// which callspec carries in every event's envelope or in the spec itself,
// not as values extracted on the call. The importer leaves them out of
// fields and says in a comment where each one lives.
var envelopeFields = map[string]string{
	"workflow_id":       "workflow.id in the spec; workflow_id in every event",
	"caller_id":         "caller.phone_e164 in every event, from the platform's caller number",
	"call_status":       "call.status in every event, mapped from the platform",
	"structured_fields": "the fields block below",
	"webhook_url":       "webhook.url in the spec",
	"handoff_reason":    "the handoff rules; handoff.handoff_reason in handoff events",
	"idempotency_key":   "webhook.idempotency_key in the spec; idempotency_key in every event",
	"signature_status":  "signature_status in every event, set by the handler",
}

var envelopeOrder = []string{"workflow_id", "caller_id", "call_status", "structured_fields", "webhook_url", "handoff_reason", "idempotency_key", "signature_status"}

func runImport(e *env, args []string) int {
	fs := flags(e, "import")
	id := fs.String("id", "", "workflow id (lower_snake; default: derived from the schema's outcome)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 2 || fs.Arg(0) != "callurl" {
		fs.Usage()
		return exitError
	}
	path := fs.Arg(1)
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(e, "read %s: %v", path, unwrapPath(err))
	}
	s, err := callurlconfig.ParseSchema(data)
	if err != nil {
		return fail(e, "%s: %v", path, err)
	}
	if *id != "" && !check.IsLowerSnake(*id) {
		return fail(e, "--id %q must be lower_snake (a-z, 0-9 and _, starting with a letter)", *id)
	}
	out, err := skeleton(s, path, *id)
	if err != nil {
		return fail(e, "%s: %v", path, err)
	}
	fmt.Fprint(e.stdout, out)
	return exitOK
}

var nonSnake = regexp.MustCompile(`[^a-z0-9]+`)

// snakeID turns free text into a lower_snake identifier of at most max
// characters.
func snakeID(s string, max int) string {
	s = strings.Trim(nonSnake.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "_")
	}
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "imported_" + s
	}
	return strings.TrimRight(s, "_")
}

type importedField struct {
	name, kind, items, description string
	values                         []string
	required                       bool
	note                           string
}

// skeleton writes the spec. Fields keep the schema's order; anything the
// importer had to decide is marked TODO.
func skeleton(s *callurlconfig.Schema, path, id string) (string, error) {
	title := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s.Outcome), " outcome"))
	if title == "" {
		title = "Imported workflow"
	}
	if id == "" {
		id = snakeID(title, 48)
	}
	var fields []importedField
	var envelope []string
	seen := map[string]bool{}
	for _, f := range s.Fields {
		name := snakeID(f.Name, 64)
		if _, ok := envelopeFields[name]; ok {
			envelope = append(envelope, name)
			continue
		}
		if seen[name] {
			return "", fmt.Errorf("two fields are both named %q once written in lower_snake", name)
		}
		seen[name] = true
		imp := importedField{name: name, description: strings.TrimSpace(f.Description), required: f.Required, kind: f.Type, items: f.Items, values: f.Values}
		switch {
		case !isKind(imp.kind, celenv.Kinds):
			imp.note = fmt.Sprintf("TODO: CallURL type %q has no callspec equivalent; imported as text", f.Type)
			imp.kind = "text"
		case imp.kind == string(celenv.Enum) && len(imp.values) == 0:
			imp.note = "TODO: an enum without values in the schema; imported as text, list the values and change the type"
			imp.kind = "text"
		case imp.kind == string(celenv.ListKind) && !isKind(imp.items, celenv.ItemKinds):
			imp.note = "TODO: the item type of this list is not given; text assumed"
			imp.items = "text"
		}
		fields = append(fields, imp)
	}
	if len(fields) == 0 {
		fields = append(fields, importedField{name: "summary", kind: "text", required: true,
			description: "What the caller needs, in one or two sentences.",
			note:        "TODO: the schema had only envelope fields; replace this placeholder with the values the call must collect"})
	}
	url := s.WebhookURL
	if !strings.HasPrefix(url, "https://") {
		url = "https://example.com/hooks/" + id
	}
	secretEnv := strings.ToUpper(id) + "_WEBHOOK_SECRET"

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Imported from %s by `callspec import callurl`.\n", path)
	w("# Every line marked TODO needs a decision before this workflow goes live;\n")
	w("# run `callspec lint` and `callspec test` after editing.\n")
	if len(envelope) > 0 {
		w("#\n# The schema also lists envelope metadata, which is not collected on the\n")
		w("# call and so is not a field here; callspec carries it as follows:\n")
		for _, n := range envelopeOrder {
			for _, got := range envelope {
				if got == n {
					w("#   %-17s → %s\n", n, envelopeFields[n])
				}
			}
		}
	}
	w("callspec: 1\nworkflow:\n")
	w("  id: %s\n", id)
	w("  title: %s\n", yamlString(title))
	w("  goal: %s # TODO: the caller's one goal, in their words\n", yamlString(title))
	w("  owner: operations # TODO: the team notified on outcomes\n")
	w("disclosure: >-\n  Hello, you are speaking with an automated assistant. This call may be recorded.\n")
	w("questions: # TODO: reword each question the way the assistant should ask it\n")
	for _, f := range fields {
		w("  - id: %s\n", f.name)
		w("    ask: %s\n", yamlString(question(f)))
		w("    collects: [%s]\n", f.name)
	}
	w("fields:\n")
	for _, f := range fields {
		if f.note != "" {
			w("  # %s\n", f.note)
		}
		w("  %s:\n", f.name)
		w("    type: %s\n", f.kind)
		if f.kind == string(celenv.ListKind) {
			w("    items: %s\n", f.items)
		}
		if len(f.values) > 0 && workflow.ValuesApply(f.field().Elem()) {
			quoted := make([]string, len(f.values))
			for i, v := range f.values {
				quoted[i] = yamlString(v)
			}
			w("    values: [%s]\n", strings.Join(quoted, ", "))
		}
		if f.required {
			w("    required: true\n")
		}
		if f.kind == string(celenv.Text) {
			w("    max_length: 500\n")
		}
		if f.description != "" {
			w("    description: %s\n", yamlString(f.description))
		}
	}
	w("next_action: follow_up # TODO: the one action after a routine call, lower_snake\n")
	w("handoff:\n")
	w("  - reason: transferred_to_a_person\n")
	w("    when: call.end_reason == \"transferred\"\n")
	w("    severity: normal\n")
	w("    owner: operations # TODO\n")
	w("    notify: [email]\n")
	w("    caller_message: Someone from the team will call you back.\n")
	w("webhook:\n")
	w("  url: %s%s\n", yamlString(url), map[bool]string{true: "", false: " # TODO: where the platform posts"}[url == s.WebhookURL])
	w("  secret: env:%s\n", secretEnv)
	w("log: [workflow_id, call.id, call.status]\n")
	w("targets: [callurl]\n")
	w("docs:\n  cta:\n    label: Create this Call App\n")
	w("    url: %s # TODO\n", yamlString("https://app.example.com/new?template="+id))
	w("tests:\n")
	w("  - name: every required value collected\n    kind: routine\n")
	w("    call: {id: call_routine, provider: callurl, status: completed, duration_s: 60}\n")
	var sample []string
	for _, f := range fields {
		if f.required {
			sample = append(sample, f.name+": "+sampleValue(f))
		}
	}
	w("    fields: {%s}\n", strings.Join(sample, ", "))
	w("    expect: {next_action: follow_up}\n")
	w("  - name: caller hung up before answering\n    kind: incomplete\n")
	w("    call: {id: call_incomplete, provider: callurl, status: completed, duration_s: 5}\n")
	w("    fields: {}\n")
	if len(sample) > 0 {
		w("    expect: {handoff: incomplete_call}\n")
	} else {
		w("    expect: {next_action: follow_up} # TODO: no field is required, so an empty call completes\n")
	}
	w("  - name: caller asked for a person\n    kind: sensitive\n")
	w("    call: {id: call_transfer, provider: callurl, status: completed, end_reason: transferred, duration_s: 40}\n")
	w("    fields: {%s}\n", strings.Join(sample, ", "))
	w("    expect: {handoff: transferred_to_a_person, severity: normal}\n")
	return b.String(), nil
}

func isKind(k string, among []celenv.Kind) bool {
	for _, x := range among {
		if string(x) == k {
			return true
		}
	}
	return false
}

func question(f importedField) string {
	if f.name == "summary" && f.note != "" {
		return "How can the team help you today?"
	}
	return "Could you tell me your " + strings.ReplaceAll(f.name, "_", " ") + "?"
}

// field is f as the kernel's field type, to ask it what f's type means.
func (f importedField) field() *workflow.Field {
	return &workflow.Field{Type: celenv.Kind(f.kind), Items: celenv.Kind(f.items)}
}

func sampleValue(f importedField) string {
	field := f.field()
	var v string
	switch elem := field.Elem(); elem {
	case celenv.Number, celenv.Integer:
		v = "1"
	case celenv.Boolean:
		v = "true"
	case celenv.Enum:
		v = yamlString(f.values[0])
	case celenv.Phone, celenv.Email, celenv.Date, celenv.DateTime:
		// Quoted: YAML would read a date as a timestamp and a phone
		// number's plus sign as a number's.
		v = strconv.Quote(workflow.FormatOf(elem).Example)
	default:
		v = "example"
	}
	if field.Type == celenv.ListKind {
		return "[" + v + "]"
	}
	return v
}

// plainSafe matches text that YAML reads back as the same string without
// quotes.
var plainSafe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 ,.'()/?_-]*$`)

var yamlReserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true, "null": true, "y": true, "n": true}

func yamlString(s string) string {
	if plainSafe.MatchString(s) && !yamlReserved[strings.ToLower(s)] && !strings.HasSuffix(s, " ") {
		return s
	}
	return strconv.Quote(s)
}
