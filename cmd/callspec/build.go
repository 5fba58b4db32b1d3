package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/driver/breaking"
	"github.com/callspec/callspec/driver/build"
	"github.com/callspec/callspec/internal/parallel"
)

func init() {
	register(&command{
		name:    "build",
		usage:   "[paths…] [--out generated] [--check] [--prune] [--changes-against GIT_REF|DIR]",
		summary: "Lint, then generate schemas, platform configs, handlers and docs.",
		run:     runBuild,
	})
}

func runBuild(e *env, args []string) int {
	fs := flags(e, "build")
	out := fs.String("out", "generated", "output directory")
	checkOnly := fs.Bool("check", false, "write nothing; list stale, missing, extra, edited and foreign files and exit 1 when there are any")
	prune := fs.Bool("prune", false, "also remove the output of workflows an earlier build wrote and this one did not load (implied when no paths are given: the build is then the whole of workflows/)")
	quiet := quietFlag(fs)
	changesAgainst := fs.String("changes-against", "", "add a \"Changes since\" section to the docs page of each workflow changed since this git ref or directory (as callspec breaking compares), for reviewers; write it elsewhere than the committed output (--out)")
	var lf lintFlags
	lf.add(fs)
	lf.quiet = quiet
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *checkOnly && *changesAgainst != "" {
		return fail(e, "--changes-against builds pages that differ from the committed output, so it cannot be combined with --check; build them into another --out")
	}
	goOpts, err := build.ImportRoot(*out)
	if err != nil {
		return fail(e, "%v", err)
	}
	gen := build.GenerateOptions{Go: goOpts}
	if *changesAgainst != "" {
		changes, code, ok := changesSince(e, &lf, paths(fs), *changesAgainst)
		if !ok {
			return code
		}
		gen.Changes = changes
	}
	stream := build.Start(*out, gen, *checkOnly)
	defer stream.Close()
	// A workflow without an error is emitted as soon as lint has checked
	// it, and its IR released: memory holds the lint result and the
	// emitted files' manifest entries, not every workflow's CEL
	// environment and checked rules. A build that lint refuses (the
	// configuration may make a warning an error, and the rules over the
	// whole set come later) writes nothing: Close without Finish. A
	// workflow with an error (which the configuration or a suppression
	// may still let through) is emitted after the gate. Emitters read the
	// IR only.
	lf.irOnly = true
	lf.checked = func(u *check.Unit, findings []diag.Finding) bool {
		if u.IR == nil || slices.ContainsFunc(findings, func(f diag.Finding) bool { return f.Severity >= diag.Error }) {
			return false
		}
		stream.Add(u.IR)
		return true
	}
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	if lintGate(e, res, *quiet, "build refused: lint found %d errors; fix them and build again (nothing was written)") {
		return exitFindings
	}
	units := res.Units
	res = nil // the specs' text and findings are not needed any more
	parallel.ForEach(len(units), 0, func(i int) { stream.Add(units[i].IR) })
	nworkflows := stream.Workflows()
	units = nil
	// With no paths the build is the whole project, so it prunes: the
	// output of a deleted spec goes, and --check says when it is left.
	opts := build.WriteOptions{Prune: *prune || fs.NArg() == 0}
	d, nfiles, err := stream.Finish(opts)
	if err != nil {
		return fail(e, "%v", err)
	}
	if *checkOnly {
		notes(e, d, true)
		if d.Empty() {
			fmt.Fprintf(progress(e, *quiet), "%s is up to date (%d files)\n", *out, nfiles)
			return exitOK
		}
		for _, l := range []struct {
			label string
			paths []string
		}{{"stale:  ", d.Stale}, {"missing:", d.Missing}, {"extra:  ", d.Extra}, {"edited: ", d.Edited}, {"foreign:", d.Foreign}} {
			for _, p := range l.paths {
				fmt.Fprintf(e.stdout, "%s %s\n", l.label, filepath.Join(*out, filepath.FromSlash(p)))
			}
		}
		fix := "run `callspec build`"
		if len(d.Edited)+len(d.Foreign) > 0 {
			fix += " (it keeps edited files and leaves foreign ones: move those out yourself)"
		}
		fmt.Fprintf(e.stderr, "callspec: %s is out of date; %s and commit the result\n", *out, fix)
		return exitFindings
	}
	notes(e, d, false)
	for _, p := range d.Edited {
		fmt.Fprintf(e.stderr, "callspec: kept %s: callspec wrote it, but it changed since, and it is no longer generated; delete it if it is not needed\n", filepath.Join(*out, filepath.FromSlash(p)))
	}
	for _, p := range d.Foreign {
		fmt.Fprintf(e.stderr, "callspec: left %s alone: %s does not list it, so callspec did not write it\n", filepath.Join(*out, filepath.FromSlash(p)), build.ManifestName)
	}
	fmt.Fprintf(progress(e, *quiet), "built %d workflows into %s: %d files (%d written, %d removed)\n",
		nworkflows, *out, nfiles, len(d.Stale)+len(d.Missing), len(d.Extra))
	return exitOK
}

// notes says which workflows' output a build of some workflows kept (or,
// with --check, did not check), and which files over every workflow it
// left as they were.
func notes(e *env, d build.Diff, check bool) {
	kept, prune, shared, fix := "kept", "removes it", "did not refresh", "build them all to refresh them"
	if check {
		kept, prune, shared, fix = "did not check", "checks that there is none", "did not check", "check them all to check them"
	}
	if len(d.Kept) > 0 {
		fmt.Fprintf(e.stderr, "callspec: %s the output of %d workflows this build did not load (%s); --prune %s\n",
			kept, len(d.Kept), strings.Join(d.Kept, ", "), prune)
	}
	if len(d.NotRefreshed) > 0 {
		fmt.Fprintf(e.stderr, "callspec: %s %s: they cover or link across workflows, and this build loaded only some; %s\n",
			shared, strings.Join(d.NotRefreshed, ", "), fix)
	}
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
func changesSince(e *env, lf *lintFlags, paths []string, against string) (*docpage.Changes, int, bool) {
	cfg, code, ok := lf.loadConfig(e)
	if !ok {
		return nil, code, false
	}
	res, err := breaking.Run(breaking.Options{Paths: paths, Against: against, Config: cfg})
	if err != nil {
		return nil, fail(e, "--changes-against: %v", err), false
	}
	ch := &docpage.Changes{Since: against, ByWorkflow: map[string][]docpage.Change{}, New: map[string]bool{}}
	for _, c := range res.Changes {
		ch.ByWorkflow[c.Workflow] = append(ch.ByWorkflow[c.Workflow], docpage.Change{
			Breaking: breaking.Breaking(c, cfg), Format: c.Summary.Format, Names: c.Summary.Names,
		})
	}
	for _, id := range res.New {
		ch.New[id] = true
	}
	return ch, 0, true
}
