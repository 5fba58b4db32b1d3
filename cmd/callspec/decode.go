package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all" // registers every platform
)

func init() {
	register(&command{
		name:    "decode",
		usage:   "--provider P [--workflow ID] [--format text|json] FILE|- [paths…]",
		summary: "Show the event a handler would make of a raw platform payload (signature check skipped).",
		run:     runDecode,
	})
}

// maxPayload is the handler's default body limit; decode reads no more.
const maxPayload = 1 << 20

func runDecode(e *env, args []string) int {
	fs := flags(e, "decode")
	provider := fs.String("provider", "", "the platform that sent the payload: "+strings.Join(providers.Names(), ", "))
	workflowID := fs.String("workflow", "", "the workflow the payload belongs to (default: the one the payload names or whose fields it fills)")
	format := fs.String("format", "text", "output format: text (summary, notes and the event) or json (exactly the event)")
	oldSpecs := addOldPathsFlag(fs, "workflows")
	var lf lintFlags
	lf.add(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(e, "unknown --format %q: use text or json", *format)
	}
	if *provider == "" || fs.NArg() < 1 {
		fs.Usage()
		return exitError
	}
	p, err := providers.Lookup(*provider)
	if err != nil {
		return fail(e, "%v", err)
	}
	body, err := readPayload(e, fs.Arg(0))
	if err != nil {
		return fail(e, "%v", err)
	}
	specs, code, ok := oldSpecs.specPaths(e, fs, 1)
	if !ok {
		return code
	}
	res, code, ok := lf.lint(e, specs)
	if !ok {
		return code
	}
	broken := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity >= diag.Error {
			broken[f.Range.File] = true
		}
	}
	var usable []*check.Unit
	for _, u := range res.Units {
		if u.IR != nil && u.IR.ID != "" && !broken[u.Spec.File.Path] {
			usable = append(usable, u)
		}
	}
	u, why, err := chooseWorkflow(p, body, *workflowID, res.Units, usable, broken)
	if err != nil {
		return fail(e, "%v", err)
	}
	def := u.IR.Definition()
	in, err := p.Decode(body, def)
	var ignored *providers.IgnoredError
	if errors.As(err, &ignored) {
		// The handler answers 200 and does nothing: not a failure.
		if *format == "json" {
			b, _ := json.Marshal(struct {
				Ignored bool   `json:"ignored"`
				Reason  string `json:"reason"`
			}{true, ignored.Error()})
			fmt.Fprintf(e.stdout, "%s\n", b)
		} else {
			fmt.Fprintf(e.stdout, "the handler would answer 200 and ignore it: %s\n", ignored.Error())
		}
		return exitOK
	}
	if err != nil {
		var de *providers.DecodeError
		if errors.As(err, &de) {
			fmt.Fprintf(e.stderr, "callspec: the handler would answer 400: %s\n", de.Error())
			return exitFindings
		}
		return fail(e, "decode: %v", err)
	}
	compiled, err := workflow.Compile(def)
	if err != nil {
		return fail(e, "workflow %s: %v", def.ID, err)
	}
	key, err := compiled.IdempotencyKey(in)
	if err != nil {
		fmt.Fprintf(e.stderr, "callspec: the handler would answer 400: %v\n", err)
		return exitFindings
	}
	ev := compiled.Decide(in, key, event.SignatureUnsigned).Event
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ev); err != nil {
		return fail(e, "encode the event: %v", err)
	}
	if *format == "json" {
		for _, n := range in.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
		e.stdout.Write(out.Bytes())
		return exitOK
	}
	fmt.Fprintf(e.stdout, "provider:  %s\n", p.Name())
	fmt.Fprintf(e.stdout, "workflow:  %s (%s)\n", def.ID, why)
	summary := ev.Event
	switch {
	case ev.Handoff != nil:
		summary += " → " + ev.Handoff.Reason
		if len(ev.Handoff.MissingFields) > 0 {
			summary += " (missing: " + strings.Join(ev.Handoff.MissingFields, ", ") + ")"
		}
		for _, f := range ev.Handoff.InvalidFields {
			summary += fmt.Sprintf(" (%s: %s)", f.Field, f.Reason)
		}
	case ev.NextAction != "":
		summary += " → " + ev.NextAction
	}
	fmt.Fprintf(e.stdout, "event:     %s\n", summary)
	fmt.Fprintf(e.stdout, "signature: not checked (callspec decode reads the payload only)\n")
	for _, n := range in.Notes {
		fmt.Fprintf(e.stdout, "note:      %s\n", n)
	}
	fmt.Fprintln(e.stdout)
	e.stdout.Write(out.Bytes())
	return exitOK
}

func readPayload(e *env, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, unwrapPath(err))
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxPayload {
		return nil, fmt.Errorf("read %s: the payload is larger than %d bytes, which the handler refuses with 413", name, maxPayload)
	}
	return b, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// chooseWorkflow picks the workflow a payload belongs to: the one named
// by --workflow; else the one the payload names itself (CallURL's
// workflow_id, Bland's metadata); else the only workflow loaded; else the
// one whose declared fields the payload fills most, when exactly one does.
func chooseWorkflow(p providers.Adapter, body []byte, id string, all, usable []*check.Unit, broken map[string]bool) (*check.Unit, string, error) {
	find := func(id string) (*check.Unit, error) {
		for _, u := range all {
			if u.IR != nil && u.IR.ID == id {
				if broken[u.Spec.File.Path] {
					return nil, fmt.Errorf("workflow %s (%s) has lint errors; run callspec lint and fix them first", id, u.Spec.File.Path)
				}
				return u, nil
			}
		}
		var ids []string
		for _, u := range usable {
			ids = append(ids, u.IR.ID)
		}
		slices.Sort(ids)
		return nil, fmt.Errorf("no workflow %q among the loaded specs (%s)", id, strings.Join(ids, ", "))
	}
	if id != "" {
		u, err := find(id)
		return u, "--workflow", err
	}
	if h, ok := p.(providers.WorkflowHinter); ok {
		if named := h.WorkflowHint(body); named != "" {
			if u, err := find(named); err == nil {
				return u, "named by the payload", nil
			}
		}
	}
	switch len(usable) {
	case 0:
		return nil, "", errors.New("no workflow without lint errors was loaded; check the spec paths")
	case 1:
		return usable[0], "the only workflow loaded", nil
	}
	best, bestScore, tie := (*check.Unit)(nil), 0, false
	for _, u := range usable {
		in, err := p.Decode(body, u.IR.Definition())
		if err != nil {
			continue
		}
		score := len(in.Fields)
		switch {
		case score > bestScore:
			best, bestScore, tie = u, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	if best == nil || tie {
		return nil, "", errors.New("cannot tell which workflow this payload belongs to (no single workflow's fields match it best); pass --workflow ID")
	}
	return best, fmt.Sprintf("its fields match %d of the payload's values", bestScore), nil
}
