package main

import (
	"fmt"

	"github.com/callspec/callspec/driver/breaking"
)

func init() {
	register(&command{
		name:    "breaking",
		usage:   "[paths…] --against GIT_REF|DIR [--format F] [--fail-on S]",
		summary: "Report the spec changes that break what consumes the workflows, against a git ref or a directory.",
		run:     runBreaking,
		// The batch default: unlike lint's, its live heap holds a
		// contract per workflow, and four times the heap growth bought no
		// measurable CPU for half again the memory.
	})
}

func runBreaking(e *env, args []string) int {
	fs := flags(e, "breaking")
	against := fs.String("against", "", "the other version: a git ref of this repository (branch, tag or commit), or a directory holding a checkout of it, in which the same paths are resolved")
	var rf reportFlags
	rf.add(fs)
	var lf lintFlags
	lf.addConfig(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *against == "" {
		fmt.Fprintln(e.stderr, "callspec: breaking needs --against: a git ref such as origin/main, or a directory holding the other version")
		fs.Usage()
		return exitError
	}
	if code, ok := rf.check(e); !ok {
		return code
	}
	cfg, code, ok := lf.loadConfig(e)
	if !ok {
		return code
	}
	res, err := breaking.Run(breaking.Options{Paths: paths(fs), Against: *against, Config: cfg})
	if err != nil {
		return fail(e, "%v", err)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(e.stderr, "callspec: note: %s\n", n)
	}
	return rf.write(e, res.Findings, res.Files)
}
