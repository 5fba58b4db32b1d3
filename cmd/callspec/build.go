package main

import (
	"fmt"

	"github.com/callspec/callspec/compiler/breaking"
	"github.com/callspec/callspec/compiler/build"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/docs"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/report"
)

func init() {
	register(&command{
		name:    "build",
		usage:   "[paths…] [--out generated] [--check] [--changes-against GIT_REF|DIR]",
		summary: "Lint, then generate schemas, platform configs, handlers and docs.",
		run:     runBuild,
	})
}

func runBuild(e *env, args []string) int {
	fs := flags(e, "build")
	out := fs.String("out", "generated", "output directory")
	checkOnly := fs.Bool("check", false, "write nothing; list stale, missing and extra files and exit 1 when there are any")
	quiet := quietFlag(fs)
	changesAgainst := fs.String("changes-against", "", "add a \"Changes since\" section to the docs page of each workflow changed since this git ref or directory (as callspec breaking compares), for reviewers; write it elsewhere than the committed output (--out)")
	var lf lintFlags
	lf.add(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *checkOnly && *changesAgainst != "" {
		return fail(e, "--changes-against builds pages that differ from the committed output, so it cannot be combined with --check; build them into another --out")
	}
	lf.irOnly = true // emitters read the IR only
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	if res.HasAtLeast(diag.Error) {
		errs := []diag.Finding{}
		for _, f := range res.Findings {
			if f.Severity >= diag.Error {
				errs = append(errs, f)
			}
		}
		report.Text(e.stderr, report.Input{Findings: errs, Files: res.Files, Linted: keys(res.Files)})
		fmt.Fprintf(e.stderr, "callspec: build refused: lint found %d errors; fix them and build again (nothing was written)\n", len(errs))
		return exitFindings
	}
	ws := make([]*ir.Workflow, len(res.Units))
	for i, u := range res.Units {
		ws[i] = u.IR
	}
	goOpts, err := build.ImportRoot(*out)
	if err != nil {
		return fail(e, "%v", err)
	}
	opts := build.Options{Go: goOpts}
	if *changesAgainst != "" {
		if opts.Changes, code, ok = changesSince(e, &lf, paths(fs), *changesAgainst); !ok {
			return code
		}
	}
	files, err := build.GenerateWith(ws, opts)
	if err != nil {
		return fail(e, "generate: %v", err)
	}
	if *checkOnly {
		d, err := build.Check(*out, files)
		if err != nil {
			return fail(e, "%v", err)
		}
		if d.Empty() {
			fmt.Fprintf(progress(e, *quiet), "%s is up to date (%d files)\n", *out, len(files))
			return exitOK
		}
		for _, p := range d.Stale {
			fmt.Fprintf(e.stdout, "stale:   %s/%s\n", *out, p)
		}
		for _, p := range d.Missing {
			fmt.Fprintf(e.stdout, "missing: %s/%s\n", *out, p)
		}
		for _, p := range d.Extra {
			fmt.Fprintf(e.stdout, "extra:   %s/%s\n", *out, p)
		}
		fmt.Fprintf(e.stderr, "callspec: %s is out of date; run `callspec build` and commit the result\n", *out)
		return exitFindings
	}
	d, err := build.Write(*out, files)
	if err != nil {
		return fail(e, "%v", err)
	}
	fmt.Fprintf(progress(e, *quiet), "built %d workflows into %s: %d files (%d written, %d removed)\n",
		len(ws), *out, len(files), len(d.Stale)+len(d.Missing), len(d.Extra))
	return exitOK
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// changesSince compares the specs with the version against, as callspec
// breaking does, for the docs pages: every change, suppressed or not, is
// listed, and it is breaking when its rule is on under the configuration.
func changesSince(e *env, lf *lintFlags, paths []string, against string) (*docs.Changes, int, bool) {
	cfg, code, ok := lf.loadConfig(e)
	if !ok {
		return nil, code, false
	}
	res, err := breaking.Run(breaking.Options{Paths: paths, Against: against, Config: cfg})
	if err != nil {
		return nil, fail(e, "--changes-against: %v", err), false
	}
	ch := &docs.Changes{Since: against, ByWorkflow: map[string][]docs.Change{}, New: map[string]bool{}}
	for _, c := range res.Changes {
		ch.ByWorkflow[c.Workflow] = append(ch.ByWorkflow[c.Workflow], docs.Change{
			Breaking: breaking.Breaking(c, cfg), Format: c.Summary.Format, Names: c.Summary.Names,
		})
	}
	for _, id := range res.New {
		ch.New[id] = true
	}
	return ch, 0, true
}
