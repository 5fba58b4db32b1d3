package gohandler

import (
	"text/template"

	"github.com/callspec/callspec/kernel/celenv"
)

var kindConst = map[celenv.Kind]string{
	celenv.Text: "celenv.Text", celenv.Number: "celenv.Number", celenv.Integer: "celenv.Integer",
	celenv.Boolean: "celenv.Boolean", celenv.Enum: "celenv.Enum", celenv.Phone: "celenv.Phone",
	celenv.Email: "celenv.Email", celenv.Date: "celenv.Date", celenv.DateTime: "celenv.DateTime",
	celenv.ListKind: "celenv.ListKind",
}

func init() {
	handlerTemplate = template.Must(template.New("handler").Funcs(funcs).Parse(handlerSource))
	stubTemplate = template.Must(template.New("stub").Funcs(funcs).Parse(stubSource))
}

var handlerTemplate, stubTemplate *template.Template

const handlerSource = `{{header .Source}}
// Package {{.Package}} is the webhook handler of the workflow {{.ID}}
// ({{comment .Title}}): {{comment .Goal}}.
//
// Implement Service in your own package and call Mount, which serves
// NewHandler(svc, platform, cfg) for every target platform at the path it
// posts to (Routes). The handler verifies the platform's signature, drops
// duplicate deliveries, validates the fields, routes the call to a person
// when a handoff rule matches or the call is incomplete, and logs only:
// {{quoteList .Log}}.
package {{.Package}}

import (
	"context"
	"net/http"
{{- if .ImportTime}}
	"time"
{{- end}}

	"{{module}}/kernel/celenv"
	"{{module}}/kernel/event"
	"{{module}}/kernel/workflow"
{{- if .PhoneRegion}}
	// phone_region: national numbers are read with libphonenumber's rules.
	_ "{{module}}/kernel/workflow/phone"
{{- end}}
	"{{module}}/runtime/handler"
)

// Definition returns the workflow as checked by callspec lint: a new value
// on every call, so that changing it changes no handler.
func Definition() *workflow.Definition {
	return &workflow.Definition{
		{{index $.Keys "ID"}}{{quote .ID}},
		{{index $.Keys "Owner"}}{{quote .Owner}},
		{{index $.Keys "Fields"}}[]workflow.Field{ {{- .Code.Literals}}
{{- if .Fields}}
		{{end}}},
		{{index $.Keys "NextAction"}}{{quote .NextAction}},
		{{index $.Keys "Handoff"}}[]workflow.HandoffRule{
{{- range .Handoff}}
			{
				Reason:        {{quote .Reason}},
				When:          {{quote .When}},
				Severity:      {{quote .Severity}},
				Owner:         {{quote .Owner}},
				Notify:        []string{ {{- quoteList .Notify -}} },
				CallerMessage: {{quote .CallerMessage}},
			},
{{- end}}
{{- if .Handoff}}
		{{end}}},
		{{index $.Keys "SecretEnv"}}{{quote .SecretEnv}},
		{{index $.Keys "Platforms"}}[]workflow.Platform{
{{- range .Platforms}}
			{Name: {{quote .Name}}, SecretEnv: {{quote .SecretEnv}}, Auth: {{quote .Auth}}},
{{- end}}
{{- if .Platforms}}
		{{end}}},
		{{index $.Keys "IdempotencyKey"}}{{quote .IdempotencyKey}},
		{{index $.Keys "Log"}}[]string{ {{- quoteList .Log -}} },
{{- if .Forward}}
		{{index $.Keys "Forward"}}&workflow.Forward{URL: {{quote .ForwardURL}}, SecretEnv: {{quote .ForwardSecret}}, MaxAttempts: {{.ForwardMax}}},
{{- end}}
{{- if .Language}}
		{{index $.Keys "Language"}}{{quote .Language}},
{{- end}}
{{- if .PhoneRegion}}
		{{index $.Keys "PhoneRegion"}}{{quote .PhoneRegion}},
{{- end}}
{{- with .Incomplete}}
		{{index $.Keys "Incomplete"}}&workflow.Incomplete{
			Severity:      {{quote .Severity}},
			Owner:         {{quote .Owner}},
			Notify:        []string{ {{- quoteList .Notify -}} },
			CallerMessage: {{quote .CallerMessage}},
		},
{{- end}}
	}
}

// compiled holds the handoff rules and the idempotency key, compiled once
// when the program starts.
var compiled = workflow.MustCompile(Definition())

// HandoffReason is the reason of a handoff (Handoff.Info.Reason): one of
// the workflow's handoff rules, or a reason callspec decides itself.
type HandoffReason string

// Handoff reasons.
const (
{{- range .Reasons}}
	{{.Name}}{{.Pad}}HandoffReason = {{quote .Value}}
{{- end}}
)
{{- if .NextActions}}

// NextAction is the next action of a completed call.
type NextAction string

// Next actions.
const (
{{- range .NextActions}}
	{{.Name}}{{.Pad}}NextAction = {{quote .Value}}
{{- end}}
)
{{- end}}
{{.Code.Decls}}
// Fields are the values the call produced, typed. Optional fields are
// pointers (nil when the call did not produce them); in a handoff event a
// required field may be the zero value when the call missed it.
type Fields struct {
{{- .Code.Members}}
}

// Outcome is a completed call: every required field is present and no
// handoff rule matched.
type Outcome struct {
	Event  *event.Event
	Fields Fields
}

// Handoff is a call a person must take over.
type Handoff struct {
	Event  *event.Event
	Fields Fields
	// Info says why, how urgently, who owns it, whom to notify and what
	// the caller was told.
	Info event.HandoffInfo
}

// Reason is Info.Reason, typed.
func (h *Handoff) Reason() HandoffReason { return HandoffReason(h.Info.Reason) }

// Service is what you implement: one method for the next action, and
// Handoff. An error makes the handler answer 500 so the platform retries;
// use Event.IdempotencyKey to drop a repeat.
type Service interface {
	// {{.NextMethod}} performs the next action {{quote .NextAction}}.
	{{.NextMethod}}(ctx context.Context, o *Outcome) error
	// Handoff routes the call to a person.
	Handoff(ctx context.Context, h *Handoff) error
}

// Validate checks raw field values (as decoded from JSON) against the
// workflow's fields.
func Validate(raw map[string]any) *workflow.Validated { return compiled.Validate(raw) }

// Decide turns a decoded delivery into exactly one event.
func Decide(in *event.Inbound, idempotencyKey string) *workflow.Decision {
	return compiled.Decide(in, idempotencyKey, event.SignatureVerified)
}

// NewHandler returns the webhook handler for deliveries from provider
// (one of {{quoteList .Targets}} or any other platform callspec knows). The
// platform's secret is read from the environment variable Definition names
// for it (and the previous one, during a rotation, from that name with
// _PREVIOUS appended) unless cfg.Secret is set.
func NewHandler(svc Service, provider string, cfg handler.Config) (*handler.Handler, error) {
	return handler.NewFor(compiled, provider, cfg, func(ctx context.Context, ev *event.Event) error {
		f := fieldsFrom(ev.Fields)
		if ev.Handoff != nil {
			return svc.Handoff(ctx, &Handoff{Event: ev, Fields: f, Info: *ev.Handoff})
		}
		return svc.{{.NextMethod}}(ctx, &Outcome{Event: ev, Fields: f})
	})
}

// Routes are the workflow's target platforms and the paths they post to
// (the path of webhook.url, then "/" and the platform's name), in the
// spec's order.
func Routes() []handler.Route {
	return []handler.Route{
{{- range .Routes}}
		{Provider: {{quote .Provider}}, Path: {{quote .Path}}{{if .Token}}, Token: true{{end}}},
{{- end}}
{{- if .Routes}}
	{{end}}}
}

// Mount serves NewHandler(svc, platform, cfg) on mux for POST requests at
// the path of every target platform (Routes). It fails when a handler
// cannot be built, for example when the signing secret is not set.
func Mount(mux *http.ServeMux, svc Service, cfg handler.Config) error {
	return handler.Mount(mux, Routes(), func(provider string) (*handler.Handler, error) {
		return NewHandler(svc, provider, cfg)
	})
}

// fieldsFrom types the validated values of an event.
func fieldsFrom(m map[string]any) Fields {
	var f Fields
{{- .Code.From}}
	return f
}
`

const stubSource = `// Copy this file into the main package of your service (for example
// cmd/{{comment .ID}}/main.go) and fill in the two methods; after
// ` + "`go mod tidy`" + ` (which adds github.com/callspec/callspec to your go.mod)
// it builds and runs as it is. callspec build regenerates it from
// {{comment .Source}}; your copy is yours.
{{- if .NoModule}}
//
// callspec build found no go.mod above its output directory, so the
// import path of the generated package below is callspec's own: change it
// to the package's import path in your module.
{{- end}}
//
// Environment: {{range $i, $e := .SecretEnvs}}{{if $i}}, {{end}}${{comment $e}}{{end}} (the platforms' secrets;
// during a rotation also the previous one as <NAME>_PREVIOUS),
// CALLSPEC_ADDR (default 127.0.0.1:8080), CALLSPEC_STORE (default
// sqlite:callspec.db; postgres://… and redis://… work too).

package main

import (
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
{{- /* gofmt sorts the imports of a group by path: newModel sorted these. */}}
{{range .StubImports}}
	{{.}}
{{- end}}
)

// service implements {{.Package}}.Service.
type service struct{}

// {{.NextMethod}} performs the next action {{quote .NextAction}} for a
// completed call.
func (service) {{.NextMethod}}(ctx context.Context, o *{{.Package}}.Outcome) error {
	// o.Fields holds the typed values; o.Event is the canonical
	// call_app.completed event. Use o.Event.IdempotencyKey to drop repeats.
	return nil
}

// Handoff routes a call to a person: h.Info.Owner, h.Info.Severity and
// h.Info.Notify say who, how fast and how.
func (service) Handoff(ctx context.Context, h *{{.Package}}.Handoff) error {
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	st, err := storeopen.Open(getenv("CALLSPEC_STORE", store.DefaultDSN))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	var wg sync.WaitGroup // waited for at the end, before the deferred st.Close
	// The handler stores each decided event with its answer and answers
	// the platform at once; this worker calls the service from the store,
	// retrying with backoff until it succeeds (then a dead letter, listed
	// by callspec events), so nothing is lost while the service is down.
	services, err := inbox.New(inbox.Config{Store: st, Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	cfg := rt.Config{Store: st, Logger: logger, Inbox: services}
	wg.Go(func() { services.Run(ctx) })
{{- if .Forward}}
	// Events are forwarded from the store's outbox, signed with
	// ${{comment .ForwardSecret}}, by this worker.
	worker, err := forward.New(forward.Config{Store: st, Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	cfg.Enqueued = worker.Notify
	wg.Go(func() { worker.Run(ctx) })
{{- end}}
	// Completed deliveries are kept for the retention, then pruned.
	wg.Go(func() {
		if err := (store.Pruner{Store: st, Logger: logger}).Run(ctx); err != nil {
			logger.Error("prune", "error", err)
		}
	})
	mux := http.NewServeMux()
	if err := {{.Package}}.Mount(mux, service{}, cfg); err != nil {
		log.Fatal(err) // for example: a platform's secret is not set
	}
	srv, err := server.New(mux, server.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := srv.Listen(getenv("CALLSPEC_ADDR", "127.0.0.1:8080"))
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range {{.Package}}.Routes() {
		logger.Info("route", "method", "POST", "path", r.Shown(), "provider", r.Provider)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	// Serve returns when SIGINT or SIGTERM cancels ctx, after the requests
	// in flight are answered.
	if err := srv.Serve(ctx, ln); err != nil {
		logger.Error("serve", "error", err)
	}
	stop()    // ends the workers
	wg.Wait() // the attempts under way are finished and recorded
	logger.Info("stopped")
}

// getenv is the environment variable name, or def when it is unset.
func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
`
