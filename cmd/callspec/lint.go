package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/lint"
	"github.com/callspec/callspec/compiler/report"
)

func init() {
	register(&command{
		name:    "lint",
		usage:   "[paths…] [--format text|json|sarif|github|junit] [--fail-on error|warning|info]",
		summary: "Check specs against the quality gate.",
		run:     runLint,
		// lint keeps only findings, so its live heap stays small and
		// four times the growth saves another tenth of its wall time for
		// 1.3 times the memory. build keeps every output until it
		// writes, so its peak grows with the percentage: it keeps the
		// batch default.
		gcPercent: 400,
	})
}

// lintFlags are shared by every command that lints first.
type lintFlags struct {
	config string
	// findingsOnly: the command uses the findings, not the checked units;
	// irOnly: it uses the units' IR, not their syntax trees.
	findingsOnly, irOnly bool
}

func (l *lintFlags) add(fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&l.config, "config", "", "configuration file (default: callspec.yaml in this directory or a parent, up to the repository root)")
}

// lint runs the front end with the configuration in effect.
func (l *lintFlags) lint(e *env, paths []string) (*lint.Result, int, bool) {
	cfgPath := l.config
	if cfgPath == "" {
		cfgPath = lint.FindConfig(".")
	}
	var cfg *lint.Config
	if cfgPath != "" {
		var err error
		if cfg, err = lint.LoadConfig(cfgPath); err != nil {
			return nil, fail(e, "%v", err), false
		}
	}
	res, err := lint.Run(paths, lint.Options{Config: cfg, FindingsOnly: l.findingsOnly, IROnly: l.irOnly})
	if err != nil {
		return nil, fail(e, "%v", err), false
	}
	// On stderr, so that the report on stdout stays one document in
	// every format.
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "callspec: skipped %s: %s\n", s.Path, s.Reason)
	}
	return res, 0, true
}

func runLint(e *env, args []string) int {
	fs := flags(e, "lint")
	format := fs.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	failOn := fs.String("fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	var lf lintFlags
	lf.add(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !slices.Contains(report.Formats, *format) {
		return fail(e, "unknown --format %q: use one of %s", *format, strings.Join(report.Formats, ", "))
	}
	threshold, err := diag.ParseSeverity(*failOn)
	if err != nil || threshold == diag.Off {
		return fail(e, "unknown --fail-on %q: use error, warning or info", *failOn)
	}
	// lint reports and exits: each file's syntax tree is released as soon
	// as its rules have run.
	lf.findingsOnly = true
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	linted := make([]string, 0, len(res.Files))
	for p := range res.Files {
		linted = append(linted, p)
	}
	slices.Sort(linted)
	in := report.Input{Findings: res.Findings, Files: res.Files, Linted: linted, Color: useColor(e)}
	if err := report.Write(e.stdout, *format, in); err != nil {
		return fail(e, "write report: %v", err)
	}
	if res.HasAtLeast(threshold) {
		return exitFindings
	}
	return exitOK
}

// useColor reports whether text output may use ANSI colours: only on a
// terminal, and not when NO_COLOR is set to anything (no-color.org) or the
// terminal says it cannot show them.
func useColor(e *env) bool {
	return e.isTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}
