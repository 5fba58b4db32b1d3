package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/scenario"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/driver/report"
)

func init() {
	register(&command{
		name:    "test",
		usage:   "[paths…] [--format text|json]",
		summary: "Run each spec's caller scenarios through the handler's decision code.",
		run:     runTest,
	})
}

func runTest(e *env, args []string) int {
	fs := flags(e, "test")
	format := fs.String("format", "text", "output format: text or json")
	quiet := quietFlag(fs)
	var lf lintFlags
	lf.add(fs)
	lf.quiet = quiet
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(e, "unknown --format %q: use text or json", *format)
	}
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	if lintGate(e, res, *quiet, "test refused: lint found %d errors; fix them and run it again") {
		return exitFindings
	}
	var results []scenario.Result
	for _, u := range res.Units {
		rs, err := scenario.Run(u)
		if err != nil {
			return fail(e, "%v", err)
		}
		results = append(results, rs...)
	}
	var err error
	if *format == "json" {
		err = writeTestJSON(e.stdout, results)
	} else {
		err = writeTestText(e.stdout, results, res.Files, len(res.Units), e.isTTY && e.getenv("NO_COLOR") == "", *quiet)
	}
	if err != nil {
		return fail(e, "write results: %v", err)
	}
	if scenario.Summarize(results).Failed > 0 {
		return exitFindings
	}
	return exitOK
}

// lintGate prints lint's findings on stderr in lint's text format, so
// that build and test show the warnings lint would (under -q, only the
// errors), and refuses the command when one is an error: refusal, with
// the number of errors, completes "callspec: ".
func lintGate(e *env, res *lint.Result, quiet bool, refusal string) (refused bool) {
	shown, errs := res.Findings, failing(res.Findings, diag.Error)
	if quiet {
		shown = errs
	}
	linted := keys(res.Files)
	slices.Sort(linted)
	report.Text(e.stderr, report.Input{Findings: shown, Files: res.Files, Linted: linted})
	if len(errs) == 0 {
		return false
	}
	fmt.Fprintf(e.stderr, "callspec: "+refusal+"\n", len(errs))
	return true
}

// writeTestText prints one line per scenario, the source line under each
// failure, and a summary:
//
//	PASS workflows/x.yaml:57 maintenance_report_intake/routine leak → completed create_work_order
//	FAIL workflows/x.yaml:70:22 maintenance_report_intake/sparking outlet: expected …
//
// quiet leaves out the passing scenarios and the summary of a run that
// passed.
func writeTestText(w io.Writer, results []scenario.Result, files map[string]*source.File, workflows int, color, quiet bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + "\x1b[0m"
	}
	var b strings.Builder
	for _, r := range results {
		if r.Passed {
			if quiet {
				continue
			}
			fmt.Fprintf(&b, "%s %s:%d %s/%s → %s\n", paint("\x1b[32m", "PASS"), r.Range.File, r.Range.Start.Line, r.Workflow, r.Name, r.Got.Arrow())
			continue
		}
		fmt.Fprintf(&b, "%s %s:%d:%d %s/%s: %s\n", paint("\x1b[31m", "FAIL"), r.Range.File, r.Range.Start.Line, r.Range.Start.Col, r.Workflow, r.Name, r.Message)
		if f := files[r.Range.File]; f != nil && r.Range.Start.Line >= 1 && r.Range.Start.Line <= f.LineCount() {
			line := f.LineText(r.Range.Start.Line)
			fmt.Fprintf(&b, "  %s\n  %s\n", line, report.Caret(line, r.Range))
		}
	}
	s := scenario.Summarize(results)
	total := s.Passed + s.Failed
	switch {
	case quiet && s.Failed == 0:
	case total == 0:
		fmt.Fprintf(&b, "no scenarios to run in %s; add routine, incomplete and sensitive scenarios under tests:\n", report.Plural(workflows, "workflow"))
	case s.Failed == 0:
		fmt.Fprintf(&b, "\nok: %s passed in %s\n", report.Plural(total, "scenario"), report.Plural(workflows, "workflow"))
	default:
		fmt.Fprintf(&b, "\nFAIL: %d of %s failed in %s\n", s.Failed, report.Plural(total, "scenario"), report.Plural(workflows, "workflow"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonScenario struct {
	Workflow string           `json:"workflow"`
	Name     string           `json:"name"`
	Kind     string           `json:"kind"`
	File     string           `json:"file"`
	Line     int              `json:"line"`
	Column   int              `json:"column"`
	Passed   bool             `json:"passed"`
	Got      scenario.Outcome `json:"got"`
	Want     scenario.Outcome `json:"want"`
	Message  string           `json:"message,omitempty"`
}

// writeTestJSON prints {"scenarios":[…],"summary":{"passed":n,"failed":n}}.
func writeTestJSON(w io.Writer, results []scenario.Result) error {
	out := struct {
		Scenarios []jsonScenario   `json:"scenarios"`
		Summary   scenario.Summary `json:"summary"`
	}{Scenarios: []jsonScenario{}, Summary: scenario.Summarize(results)}
	for _, r := range results {
		out.Scenarios = append(out.Scenarios, jsonScenario{
			Workflow: r.Workflow, Name: r.Name, Kind: r.Kind,
			File: r.Range.File, Line: r.Range.Start.Line, Column: r.Range.Start.Col,
			Passed: r.Passed, Got: r.Got, Want: r.Want, Message: r.Message,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
