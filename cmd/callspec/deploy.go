package main

import (
	"context"
	"fmt"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/providers/deploy"
	"github.com/callspec/callspec/providers/retell/retelldeploy"

	// Each import registers one platform deployed through its API.
	_ "github.com/callspec/callspec/providers/vapi/vapideploy"
)

func init() {
	register(&command{
		name:    "deploy",
		usage:   "[paths…] --provider P [--apply] [--api-url URL] [--format text|json] [--detailed-exitcode]",
		summary: "Plan, and with --apply make, the changes that bring a platform's live agent or assistant in line with the spec.",
		run:     runDeploy,
	})
}

// deployHelp follows the flags in `callspec deploy --help`.
const deployHelp = `
Retell (RETELL_API_KEY) and Vapi (VAPI_API_KEY) are deployed through their
APIs; the ids of the live objects come from the spec's deploy: block, and
without one --apply creates them and prints the line to add. Only the keys
callspec owns are compared and changed (extraction, prompt and first
message, webhook URL and events, webhook credential); every other live
setting is left as it is and listed as unmanaged. Other platforms print
their manual set-up steps. API keys and secrets are never printed.

Exit codes: 0 the plan (or apply) succeeded, 2 an error (callspec's usual
codes). With --detailed-exitcode, as terraform plan: 0 succeeded with no
changes pending, 1 an error, 2 succeeded with changes pending.
`

func runDeploy(e *env, args []string) int {
	fs := flags(e, "deploy")
	provider := fs.String("provider", "", "platform to deploy to: retell or vapi through their APIs; bland, synthflow, callcow, phonely, callurl print the manual steps (required)")
	apply := fs.Bool("apply", false, "make the planned changes (without it, deploy only reads)")
	apiURL := fs.String("api-url", "", "base URL of the platform's API (default the vendor's; tests point it at a local fake)")
	format := fs.String("format", "text", "output format: text or json")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 when nothing would change, 2 when changes are pending, 1 on errors (as terraform plan)")
	voice := fs.String("voice-id", "", "Retell only: the voice of an agent that --apply creates (Retell's create-agent requires one)")
	var lf lintFlags
	lf.add(fs)
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(e.stderr, deployHelp) }
	if code, ok := parse(fs, args); !ok {
		return code
	}
	errCode := exitError
	if *detailed {
		errCode = 1
	}
	failDeploy := func(format string, args ...any) int {
		fail(e, format, args...)
		return errCode
	}
	if *provider == "" {
		fmt.Fprintln(e.stderr, "callspec: deploy needs --provider: retell or vapi (deployed through their APIs), or another platform to print its set-up steps")
		fs.Usage()
		return errCode
	}
	if *format != "text" && *format != "json" {
		return failDeploy("unknown --format %q: use text or json", *format)
	}
	if *detailed && *apply {
		return failDeploy("--detailed-exitcode reports whether a plan has changes pending and cannot be combined with --apply; run the plan with --detailed-exitcode, then apply")
	}
	known := append(deploy.Names(), deploy.ManualNames()...)
	if !slices.Contains(known, *provider) {
		slices.Sort(known)
		return failDeploy("unknown --provider %q%s: use one of %s", *provider, didYouMean(*provider, known), strings.Join(known, ", "))
	}
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		if code == exitError {
			code = errCode
		}
		return code
	}
	var units []*check.Unit
	for _, u := range res.Units {
		if slices.Contains(u.IR.Targets, *provider) {
			units = append(units, u)
		}
	}
	if len(units) == 0 {
		return failDeploy("no workflow in %s targets %s: add %s to a spec's targets:", strings.Join(paths(fs), ", "), *provider, *provider)
	}
	for _, u := range units {
		if hasErrors(res.Findings, u.Spec.File.Path) {
			return failDeploy("the spec of %s (%s) has lint errors; run callspec lint and fix them before deploying", u.IR.ID, u.Spec.File.Path)
		}
	}
	if _, manual := slices.BinarySearch(deploy.ManualNames(), *provider); manual {
		return deployManual(e, units, *provider, *format, errCode)
	}

	p, err := deploy.Lookup(*provider)
	if err != nil {
		return failDeploy("%v", err)
	}
	key := e.getenv(p.KeyEnv())
	if key == "" {
		return failDeploy("%s is not set: put an API key of the %s account that owns the agent in it (the dashboard's API keys page); it is never printed", p.KeyEnv(), *provider)
	}
	redact := &deploy.Redactor{}
	for _, u := range units {
		if name := u.IR.Webhook.SecretEnv; name != "" {
			redact.Add(e.getenv(name))
		}
	}
	base := p.BaseURL()
	if *apiURL != "" {
		base = *apiURL
	}
	client := deploy.NewClient(vendorName(*provider), base, p.KeyEnv(), key, redact)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	rep := &deploy.Report{}
	failed := false
	for _, u := range units {
		t := &deploy.Target{Workflow: u.IR, Client: client, Getenv: e.getenv, Options: map[string]string{retelldeploy.VoiceOption: *voice}}
		plan, err := p.Plan(ctx, t)
		if err != nil {
			fmt.Fprintf(e.stderr, "callspec: %s: %s\n", u.IR.ID, redact.String(err.Error()))
			failed = true
			continue
		}
		rep.Plans = append(rep.Plans, plan)
		rep.Changed = rep.Changed || plan.Changed()
		if *format == "text" {
			deploy.WriteText(e.stdout, plan, redact)
		}
		if !*apply || !plan.Changed() {
			continue
		}
		done, err := deploy.Apply(ctx, plan)
		rep.Applied = append(rep.Applied, deploy.AppliedPlan{Workflow: plan.Workflow, Objects: done})
		if *format == "text" {
			deploy.WriteAppliedText(e.stdout, plan, done, redact)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "callspec: %s: %s\n", u.IR.ID, redact.String(err.Error()))
			failed = true
		}
	}
	if *format == "json" {
		if err := deploy.WriteJSON(e.stdout, rep, redact); err != nil {
			return failDeploy("%v", err)
		}
	}
	switch {
	case failed:
		return errCode
	case *detailed && rep.Changed:
		return 2
	}
	return exitOK
}

// deployManual prints the set-up steps of a platform without an API.
func deployManual(e *env, units []*check.Unit, provider, format string, errCode int) int {
	rep := &deploy.Report{}
	for _, u := range units {
		m, _, err := deploy.Manual(u.IR, provider)
		if err != nil {
			fail(e, "%s: %v", u.IR.ID, err)
			return errCode
		}
		rep.Manual = append(rep.Manual, *m)
		if format == "text" {
			deploy.WriteManualText(e.stdout, m)
		}
	}
	if format == "json" {
		deploy.WriteJSON(e.stdout, rep, &deploy.Redactor{})
	}
	return exitOK
}

// hasErrors reports whether findings hold an error in file.
func hasErrors(findings []diag.Finding, file string) bool {
	for _, f := range findings {
		if f.Severity == diag.Error && f.Range.File == file {
			return true
		}
	}
	return false
}

func vendorName(provider string) string {
	switch provider {
	case "retell":
		return "Retell"
	case "vapi":
		return "Vapi"
	}
	return provider
}

func didYouMean(got string, known []string) string {
	if best := diag.Nearest(got, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
