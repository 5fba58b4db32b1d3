package main

import (
	"fmt"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules"
)

func init() {
	register(&command{name: "rules", summary: "List every lint rule with its default severity.", run: runRules})
	register(&command{name: "explain", usage: "RULE", summary: "Explain a rule: why it matters, a bad and a good example.", run: runExplain})
}

func runRules(e *env, args []string) int {
	fs := flags(e, "rules")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	for _, r := range rules.All() {
		fmt.Fprintf(e.stdout, "%-24s %-8s %s\n", r.ID, r.Severity, r.Summary)
	}
	return exitOK
}

func runExplain(e *env, args []string) int {
	fs := flags(e, "explain")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError
	}
	id := fs.Arg(0)
	r, ok := rules.Lookup(id)
	if !ok {
		hint := ""
		if best := diag.Nearest(id, rules.IDs()); best != "" {
			hint = fmt.Sprintf("; did you mean %q?", best)
		}
		return fail(e, "unknown rule %q%s (`callspec rules` lists them)", id, hint)
	}
	fmt.Fprintf(e.stdout, "%s (default severity: %s)\n\n%s\n\n%s\n", r.ID, r.Severity, r.Summary, r.Doc)
	return exitOK
}
