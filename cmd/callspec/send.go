package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
)

func init() {
	register(&command{
		name:    "send",
		usage:   "WORKFLOW SCENARIO [paths…] --provider P --to URL [--call-id ID] [--secret-env NAME]",
		summary: "Post a correctly signed sample delivery, in a platform's format, built from a spec scenario.",
		run:     runSend,
	})
}

func runSend(e *env, args []string) int {
	fs := flags(e, "send")
	providerName := fs.String("provider", "", "platform whose delivery format and signature to use (required)")
	to := fs.String("to", "", "URL to post to, e.g. http://127.0.0.1:8080/hooks/<workflow>/<provider> (required); for a platform whose secret is a token in the URL (Synthflow, CallCow, Phonely) the token is filled in from its variable: in place of ${NAME} as the generated config writes it, or appended as the last path segment")
	callID := fs.String("call-id", "", "call id of the delivery (default: the scenario's, else a new one); send twice with one id to see the handler answer a duplicate")
	secretEnv := fs.String("secret-env", "", "environment variable holding the platform's secret (default: the spec's webhook.platforms.<P>.secret, else webhook.secret)")
	oldSpecs := addOldPathsFlag(fs, "spec")
	timeout := fs.Duration("timeout", 30*time.Second, "request timeout")
	var lf lintFlags
	lf.add(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() < 2 || *providerName == "" || *to == "" {
		fs.Usage()
		return exitError
	}
	p, err := providers.Lookup(*providerName)
	if err != nil {
		return fail(e, "%v", err)
	}
	specPaths, code, ok := oldSpecs.specPaths(e, fs, 2)
	if !ok {
		return code
	}
	res, code, ok := lf.lint(e, specPaths)
	if !ok {
		return code
	}
	u, err := findWorkflow(res.Units, fs.Arg(0))
	if err != nil {
		return fail(e, "%v", err)
	}
	if res.HasAtLeast(diag.Error) {
		return fail(e, "the spec of %s has lint errors; run `callspec lint`", u.IR.ID)
	}
	sc, err := findScenario(u.IR, fs.Arg(1))
	if err != nil {
		return fail(e, "%v", err)
	}
	def := u.IR.Definition()
	in := sc.Inbound()
	if *callID != "" {
		in.Call.ID = *callID
	}
	if in.Call.ID == "" {
		in.Call.ID = "send_" + u.IR.ID + "_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	in.Call.Provider = p.Name()
	body, err := p.Encode(in, def)
	if err != nil {
		return fail(e, "encode the %s delivery: %v", p.Name(), err)
	}
	platform := def.Platform(p.Name())
	// The auth the platform is configured with: its signature, Vapi's
	// credential, or a token in the URL path.
	p, err = providers.WithAuth(p, platform.Auth)
	if err != nil {
		return fail(e, "%v", err)
	}
	name := *secretEnv
	if name == "" {
		name = platform.SecretEnv
	}
	secret := e.getenv(name)
	if secret == "" {
		return fail(e, "$%s is empty; export the platform's webhook secret (the same value the handler uses)", name)
	}
	headers, err := p.Sign([]byte(secret), body, time.Now())
	if err != nil {
		return fail(e, "sign the delivery: %v", err)
	}
	target, err := url.Parse(*to)
	if err != nil {
		return fail(e, "bad --to URL: %v", err)
	}
	shown := *to
	if providers.UsesURLToken(p) {
		target, shown, err = withToken(*to, name, secret)
		if err != nil {
			return fail(e, "bad --to URL: %v", err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		return fail(e, "bad --to URL: %v", err)
	}
	for k, vs := range headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: *timeout}).Do(req)
	if err != nil {
		// The client's error quotes the URL, which may hold the token.
		return fail(e, "post to %s: %v", shown, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintf(e.stdout, "%s %s scenario %q call %s → %s\n%s", p.Name(), u.IR.ID, sc.Name, in.Call.ID, resp.Status, answer)
	if resp.Header.Get(handler.ReplayedHeader) == "true" {
		// The handler did nothing this time: the answer is the first one.
		fmt.Fprintf(e.stdout, "duplicate of an earlier delivery of call %s: the handler answered with its first answer and did not run the service again\n", in.Call.ID)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return exitFindings
	}
	return exitOK
}

// withToken is the URL a URL-token platform posts to, given --to: the
// placeholder ${NAME} (as the generated config shows it) replaced by the
// token, or, without it, the token appended as the last path segment
// unless it is there already. shown is the URL with the token masked.
func withToken(to, env, secret string) (*url.URL, string, error) {
	token := url.PathEscape(secret)
	placeholder := workflow.Placeholder(env)
	var raw, shown string
	switch u, err := url.Parse(to); {
	case strings.Contains(to, placeholder):
		raw = strings.Replace(to, placeholder, token, 1)
		shown = strings.Replace(to, placeholder, providers.MaskedToken, 1)
	case err != nil:
		return nil, "", err
	case path.Base(u.Path) == secret:
		raw = to
		u.Path = path.Dir(u.Path)
		u.RawPath = ""
		shown = workflow.TokenURL(u, providers.MaskedToken)
	default:
		raw, shown = workflow.TokenURL(u, token), workflow.TokenURL(u, providers.MaskedToken)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", fmt.Errorf("the URL with its token is not a URL")
	}
	return u, shown, nil
}

func findWorkflow(units []*check.Unit, id string) (*check.Unit, error) {
	var ids []string
	for _, u := range units {
		if u.IR.ID == id {
			return u, nil
		}
		ids = append(ids, u.IR.ID)
	}
	hint := ""
	if best := diag.Nearest(id, ids); best != "" {
		hint = fmt.Sprintf("; did you mean %q?", best)
	}
	return nil, fmt.Errorf("no workflow %q in the specs%s", id, hint)
}

// findScenario finds a scenario by name, or by its 1-based position.
func findScenario(w *ir.Workflow, name string) (*ir.Scenario, error) {
	var names []string
	for i := range w.Tests {
		if w.Tests[i].Name == name {
			return &w.Tests[i], nil
		}
		names = append(names, w.Tests[i].Name)
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(w.Tests) {
		return &w.Tests[n-1], nil
	}
	hint := ""
	if best := diag.Nearest(name, names); best != "" {
		hint = fmt.Sprintf("; did you mean %q?", best)
	}
	return nil, fmt.Errorf("workflow %s has no scenario %q%s (its scenarios: %q, or their numbers 1–%d)", w.ID, name, hint, names, len(names))
}
