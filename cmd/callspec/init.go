package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/specschema"
	"github.com/callspec/callspec/kernel/workflow"
)

func init() {
	register(&command{
		name:    "init",
		usage:   "ID [--provider callurl[,retell,…]] [--dir workflows]",
		summary: "Write a starter spec that passes lint and test as written.",
		run:     runInit,
	})
}

// defaultProvider is the platform of the seed documents.
const defaultProvider = "callurl"

func runInit(e *env, args []string) int {
	fs := flags(e, "init")
	providers := fs.StringSlice("provider", []string{defaultProvider}, "voice platforms to target, repeated or comma-separated: "+strings.Join(check.KnownTargets, ", "))
	dir := fs.String("dir", "workflows", "directory to write the spec into")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError
	}
	id := fs.Arg(0)
	if !check.IsLowerSnake(id) {
		return fail(e, "workflow id %q must be lower_snake (a-z, 0-9 and _, starting with a letter), because it names generated files and a Go package; try %q", id, suggestID(id))
	}
	var targets []string
	for _, provider := range *providers {
		if !slices.Contains(check.KnownTargets, provider) {
			hint := ""
			if best := diag.Nearest(provider, check.KnownTargets); best != "" {
				hint = fmt.Sprintf("; did you mean %q?", best)
			}
			return fail(e, "unknown --provider %q%s (use one of %s)", provider, hint, strings.Join(check.KnownTargets, ", "))
		}
		if !slices.Contains(targets, provider) {
			targets = append(targets, provider)
		}
	}
	content, err := starter(id, targets, schemaRef(*dir))
	if err != nil {
		return fail(e, "%v", err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fail(e, "create %s: %v", *dir, err)
	}
	name := filepath.Join(*dir, id+".yaml")
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fail(e, "%s already exists; init never overwrites a spec, so choose another id or remove the file first", name)
	}
	if err != nil {
		return fail(e, "write %s: %v", name, err)
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return fail(e, "write %s: %v", name, err)
	}
	if err := f.Close(); err != nil {
		return fail(e, "write %s: %v", name, err)
	}
	target := ""
	if *dir != "workflows" {
		target = " " + *dir
	}
	fmt.Fprintf(e.stdout, "wrote %s\n\nNext:\n  callspec lint%s\n  callspec test%s\n  callspec build%s\n  then read generated/%s/README.md, the workflow's public page\n"+
		"  copy generated/%s/service.go.txt to cmd/%s/main.go, `go mod tidy` (it adds github.com/callspec/callspec to your go.mod), and `go run ./cmd/%s` to serve its webhooks (with %s set to the %s; generated/%s/SETUP.md says which goes where)\n",
		name, target, target, target, id, id, id, id, secretVars(id, targets), secretWord(targets), id)
	return exitOK
}

// schemaRef is where the modeline points: the repository's copy of the
// spec schema, relative to the spec's directory, when run from a checkout
// that has one; the schema's published $id otherwise.
func schemaRef(dir string) string {
	local := filepath.FromSlash(specschema.Path)
	if _, err := os.Stat(local); err != nil {
		return specschema.ID
	}
	rel, err := filepath.Rel(dir, local)
	if err != nil {
		return specschema.ID
	}
	return filepath.ToSlash(rel)
}

// suggestID turns "My-Workflow" into "my_workflow".
func suggestID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "_")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "workflow_" + s
	}
	return strings.TrimSuffix(s, "_")
}

// starter is a complete workflow that passes every rule of the quality
// gate as written: a disclosure that says automated and recorded, every
// required field asked, a handoff rule whose caller message promises no
// outcome, an https webhook with an env: secret, a log without personal
// data, a CTA, a related compliance link, and routine, incomplete and
// sensitive scenarios that `callspec test` passes. Only enum, text,
// boolean and phone fields, which every platform extracts as typed.
var starterTemplate = template.Must(template.New("starter").Parse(`# yaml-language-server: $schema={{.Schema}}
#
# A starter workflow written by callspec init. Make it yours, then run
#   callspec lint && callspec test && callspec build
# and read generated/{{.ID}}/README.md, the workflow's public page.
callspec: 1
workflow:
  id: {{.ID}}
  title: {{.Title}}
  goal: Leave a request for the team   # exactly one caller goal
  owner: front_desk                    # team notified on outcomes
# Spoken first: say that the caller talks to an automated assistant and
# that the call may be recorded.
disclosure: >-
  Hi, you are speaking with an automated assistant. This call may be
  recorded so the team can follow up on your request.
questions:                             # the visible question set, in order
  - id: request
    ask: What can the team help you with today?
    collects: [request_type, details]
  - id: urgency
    ask: Is this urgent, or is anyone in danger right now?
    collects: [urgent]
  - id: callback
    ask: Which number should the team call you back on?
    collects: [callback_phone]
fields:                                # what the call must produce
  request_type:
    type: enum
    values: [question, booking, complaint, other]
    required: true
    description: What the caller needs, as one category.
  details:
    type: text
    required: true
    max_length: 500
    description: The request in the caller's own words.
  urgent:
    type: boolean
    required: true
    description: Whether the caller says it is urgent or that someone is in danger.
  callback_phone:
    type: phone                        # phone numbers are personal data: never logged
    description: Number to call back on, in E.164, when it differs from the caller id.
next_action: create_follow_up_task     # the one action after a routine call
handoff:                               # ordered; the first rule that matches wins
  - reason: urgent_or_complaint
    when: fields.urgent || fields.request_type == "complaint"
    severity: urgent
    owner: front_desk
    notify: [sms, slack]
    # Say what happens next; never promise an outcome a person has not agreed.
    caller_message: I am passing this to a person now. If anyone is in danger, hang up and call your local emergency number. Someone from the team will call you back.
webhook:
  url: https://ops.example.com/hooks/{{.ID}}   # where the platform posts
  secret: env:{{.SecretEnv}}                   # the signing secret, from the environment
  idempotency_key: call.id
{{- if .VendorSecrets}}
  platforms:                                       # where a platform's secret differs
{{- range .VendorSecrets}}
    {{.Platform}}: {secret: env:{{.Env}}}{{.Comment}}
{{- end}}
{{- end}}
log: [workflow_id, call.id, call.status, fields.request_type]
targets: [{{.Targets}}]
docs:
  cta:
    label: Create this Call App
    url: https://app.example.com/new?template={{.ID}}
  related: ["https://callurl.example.com/guides/compliance"]   # workflow ids or https URLs
tests:                                 # run by callspec test
  - name: caller books a visit
    kind: routine
    call: {id: call_routine, provider: {{.Provider}}, status: completed, direction: inbound, from: "+15550100100", duration_s: 75}
    fields: {request_type: booking, details: Wants to book a visit next week., urgent: false}
    expect: {next_action: create_follow_up_task}
  - name: caller hung up before giving details
    kind: incomplete
    call: {id: call_incomplete, provider: {{.Provider}}, status: completed, end_reason: caller_hangup, duration_s: 9}
    fields: {request_type: booking}
    expect: {handoff: incomplete_call}
  - name: someone is in danger
    kind: sensitive
    call: {id: call_sensitive, provider: {{.Provider}}, status: completed, duration_s: 40}
    fields: {request_type: other, details: There is smoke in the hallway., urgent: true}
    expect: {handoff: urgent_or_complaint, severity: urgent}
`))

// starterSecretEnv is the environment variable of the starter's webhook
// secret.
func starterSecretEnv(id string) string { return strings.ToUpper(id) + "_WEBHOOK_SECRET" }

// ownSecret is the variable a starter gives platform of its own, when it
// has other targets to keep it apart from: a secret the vendor chooses
// (Retell's API key, Bland's signing secret; the vendor-secret-shared
// rule) or a URL token, which is shown wherever the URL is and must be
// no other platform's key (url-token-shared). The facts are the kernel's
// (workflow.AuthOf).
func ownSecret(platform string) (env, comment string, ok bool) {
	auth, known := workflow.AuthOf(platform)
	switch {
	case !known:
		return "", "", false
	case auth.VendorSecret != "":
		return auth.SecretEnv, "  # " + auth.VendorSecret, true
	case workflow.DefaultAuth(platform) == workflow.AuthURLToken:
		return strings.ToUpper(platform) + "_URL_TOKEN", "  # a token in the URL, shown wherever the URL is", true
	}
	return "", "", false
}

// secretVars names the variables of the starter's secrets, as $A and $B.
func secretVars(id string, targets []string) string {
	vars := []string{"$" + starterSecretEnv(id)}
	for _, v := range starterVendorSecrets(targets) {
		vars = append(vars, "$"+v.Env)
	}
	if len(vars) == 1 {
		return vars[0]
	}
	return strings.Join(vars[:len(vars)-1], ", ") + " and " + vars[len(vars)-1]
}

// secretWord is what the variables hold, for the Next steps.
func secretWord(targets []string) string {
	if len(targets) == 1 {
		return "signing secret"
	}
	return "platforms' signing secrets"
}

// starterVendorSecrets are the own secrets (ownSecret) of targets, when
// the starter has other targets to keep them apart from.
func starterVendorSecrets(targets []string) []struct{ Platform, Env, Comment string } {
	var own []struct{ Platform, Env, Comment string }
	if len(targets) > 1 {
		for _, t := range targets {
			if env, comment, ok := ownSecret(t); ok {
				own = append(own, struct{ Platform, Env, Comment string }{t, env, comment})
			}
		}
	}
	return own
}

func starter(id string, targets []string, schema string) ([]byte, error) {
	title := strings.ReplaceAll(id, "_", " ")
	title = strings.ToUpper(title[:1]) + title[1:]
	own := starterVendorSecrets(targets)
	var b bytes.Buffer
	err := starterTemplate.Execute(&b, struct {
		ID, Title, Provider, Targets, Schema, SecretEnv string
		VendorSecrets                                   []struct{ Platform, Env, Comment string }
	}{id, title, targets[0], strings.Join(targets, ", "), schema, starterSecretEnv(id), own})
	if err != nil {
		return nil, fmt.Errorf("render the starter spec: %w", err)
	}
	return b.Bytes(), nil
}
