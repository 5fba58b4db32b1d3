package main

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/callspec/callspec/compiler/diag"
)

// quietFlag registers -q/--quiet on the commands a CI log or a pre-commit
// hook runs (lint, build, test): they then print only what makes them
// fail. Errors of the command itself always print.
func quietFlag(fs *pflag.FlagSet) *bool {
	return fs.BoolP("quiet", "q", false, "print only what makes the command fail (no warnings or infos below --fail-on, passing scenarios or success summaries)")
}

// failing keeps the findings at or above threshold: what lint shows under
// --quiet. The exit code is computed from every finding either way.
func failing(findings []diag.Finding, threshold diag.Severity) []diag.Finding {
	out := []diag.Finding{}
	for _, f := range findings {
		if f.Severity >= threshold {
			out = append(out, f)
		}
	}
	return out
}

// progress is where a command prints what it did when it succeeded:
// stdout, or nowhere under --quiet.
func progress(e *env, quiet bool) io.Writer {
	if quiet {
		return io.Discard
	}
	return e.stdout
}
