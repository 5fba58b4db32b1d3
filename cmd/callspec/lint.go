package main

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/driver/report"
)

func init() {
	register(&command{
		name:    "lint",
		usage:   "[paths…|-] [--stdin-filename NAME] [--format text|json|sarif|github|junit] [--fail-on error|warning|info]",
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
	// verbose lists each YAML file a walk left out as not a spec; quiet
	// (set by the commands that have -q) prints neither the list nor
	// its count.
	verbose bool
	quiet   *bool
	// stdin is read for the path "-" (lint only: decode reads its
	// payload there), named stdinName in findings.
	stdin     io.Reader
	stdinName string
	// findingsOnly: the command uses the findings, not the checked units;
	// irOnly: it uses the units' IR, not their syntax trees.
	findingsOnly, irOnly bool
	// checked is lint.Options.Checked.
	checked func(u *check.Unit, findings []diag.Finding) bool
}

func (l *lintFlags) add(fs *pflag.FlagSet) {
	l.addConfig(fs)
	fs.BoolVarP(&l.verbose, "verbose", "v", false, "list each YAML file a directory walk skipped because it is not a spec")
}

// addConfig registers --config alone, for a command that finds its specs
// without lint's walk (breaking).
func (l *lintFlags) addConfig(fs *pflag.FlagSet) {
	fs.StringVar(&l.config, "config", "", "configuration file (default: callspec.yaml in this directory or a parent, up to the repository root)")
}

// loadConfig reads the configuration in effect: --config, else
// callspec.yaml in this directory or a parent; nil when there is none.
func (l *lintFlags) loadConfig(e *env) (*lint.Config, int, bool) {
	cfgPath := l.config
	if cfgPath == "" {
		// A spec piped in by an editor is configured as the file it
		// names would be.
		cfgPath = lint.FindConfig(filepath.Dir(cmp.Or(l.stdinName, "x")))
	}
	if cfgPath == "" {
		return nil, 0, true
	}
	cfg, err := lint.LoadConfig(cfgPath)
	if err != nil {
		return nil, fail(e, "%v", err), false
	}
	return cfg, 0, true
}

// lint runs the front end with the configuration in effect.
func (l *lintFlags) lint(e *env, paths []string) (*lint.Result, int, bool) {
	cfg, code, ok := l.loadConfig(e)
	if !ok {
		return nil, code, false
	}
	res, err := lint.Run(paths, lint.Options{Config: cfg, FindingsOnly: l.findingsOnly, IROnly: l.irOnly, Checked: l.checked, Stdin: l.stdin, StdinName: l.stdinName})
	if err != nil {
		return nil, fail(e, "%v", err), false
	}
	// On stderr, so that the report on stdout stays one document in
	// every format.
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "callspec: skipped %s: %s\n", s.Path, s.Reason)
	}
	l.reportNotSpecs(e, res.NotSpecs)
	return res, 0, true
}

// reportNotSpecs says how many YAML files the walk left out as not specs,
// so that a spec that lost its `callspec:` line does not vanish unnoticed;
// -v names them.
func (l *lintFlags) reportNotSpecs(e *env, notSpecs []string) {
	if len(notSpecs) == 0 || (l.quiet != nil && *l.quiet) {
		return
	}
	if l.verbose {
		for _, p := range notSpecs {
			fmt.Fprintf(e.stderr, "callspec: skipped %s: it is not a spec (no top-level `callspec:` key)\n", p)
		}
	}
	files, hint := "files that are not specs", "; -v lists them"
	if len(notSpecs) == 1 {
		files, hint = "file that is not a spec", "; -v names it"
	}
	if l.verbose {
		hint = ""
	}
	fmt.Fprintf(e.stderr, "callspec: skipped %d YAML %s (no top-level `callspec:` key)%s.\n", len(notSpecs), files, hint)
}

// oldPathsFlag is a flag that named spec paths before every command took
// them as arguments (decode's --workflows, send's --spec): still accepted,
// with a one-line note on stderr when used.
type oldPathsFlag struct {
	name  string
	paths *[]string
}

func addOldPathsFlag(fs *pflag.FlagSet, name string) oldPathsFlag {
	f := oldPathsFlag{name: name, paths: fs.StringSlice(name, nil, "spec files or directories (deprecated: give them as the last arguments)")}
	fs.MarkDeprecated(name, "give spec files or directories as the last arguments instead, as every command takes them")
	return f
}

// specPaths returns the spec paths: the arguments after the first n, or
// the old flag's; giving both is a usage error.
func (f oldPathsFlag) specPaths(e *env, fs *pflag.FlagSet, n int) ([]string, int, bool) {
	if !fs.Changed(f.name) {
		return pathsAfter(fs, n), 0, true
	}
	if fs.NArg() > n {
		return nil, fail(e, "spec paths are given both as arguments and with --%s; give them as arguments only", f.name), false
	}
	return *f.paths, 0, true
}

// reportFlags are the output flags of the commands that report findings
// (lint, breaking): the format, and the severity that fails the run.
type reportFlags struct {
	format, failOn *string
	quiet          *bool
	threshold      diag.Severity
}

func (r *reportFlags) add(fs *pflag.FlagSet) {
	r.format = fs.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	r.failOn = fs.String("fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	r.quiet = quietFlag(fs)
}

// check validates the flags once they are parsed.
func (r *reportFlags) check(e *env) (int, bool) {
	if !slices.Contains(report.Formats, *r.format) {
		return fail(e, "unknown --format %q: use one of %s", *r.format, strings.Join(report.Formats, ", ")), false
	}
	threshold, err := diag.ParseSeverity(*r.failOn)
	if err != nil || threshold == diag.Off {
		return fail(e, "unknown --fail-on %q: use error, warning or info", *r.failOn), false
	}
	r.threshold = threshold
	return 0, true
}

// write prints the findings of the files read (by path) and returns the
// exit code: exitFindings when one is at or above --fail-on.
func (r *reportFlags) write(e *env, findings []diag.Finding, files map[string]*source.File) int {
	linted := keys(files)
	slices.Sort(linted)
	in := report.Input{Findings: findings, Files: files, Linted: linted, Color: useColor(e), FailOn: r.threshold}
	if *r.quiet {
		in.Findings = failing(findings, r.threshold)
	}
	if err := report.Write(e.stdout, *r.format, in); err != nil {
		return fail(e, "write report: %v", err)
	}
	if slices.ContainsFunc(findings, func(f diag.Finding) bool { return f.Severity >= r.threshold }) {
		return exitFindings
	}
	return exitOK
}

func runLint(e *env, args []string) int {
	fs := flags(e, "lint")
	var rf reportFlags
	rf.add(fs)
	var lf lintFlags
	lf.add(fs)
	lf.quiet = rf.quiet
	lf.stdin = e.stdin
	fs.StringVar(&lf.stdinName, "stdin-filename", "", "the name of the spec read from stdin (-) in findings, and where its callspec.yaml is looked up (default: "+lint.DefaultStdinName+", looked up from this directory)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if code, ok := rf.check(e); !ok {
		return code
	}
	// lint reports and exits: each file's syntax tree is released as soon
	// as its rules have run.
	lf.findingsOnly = true
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	return rf.write(e, res.Findings, res.Files)
}

// useColor reports whether text output may use ANSI colours: only on a
// terminal, and not when NO_COLOR is set to anything (no-color.org) or the
// terminal says it cannot show them.
func useColor(e *env) bool {
	return e.isTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}
