package main

import (
	"fmt"

	"github.com/callspec/callspec/internal/version"
)

func init() {
	register(&command{
		name:      "version",
		summary:   "Print the version, the commit it was built from and the Go toolchain.",
		run:       runVersion,
		gcPercent: 100,
	})
}

func runVersion(e *env, args []string) int {
	fs := flags(e, "version")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(e, "version takes no arguments, got %q", fs.Args())
	}
	fmt.Fprint(e.stdout, version.Get())
	return exitOK
}
