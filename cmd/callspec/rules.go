package main

import (
	"fmt"
	"slices"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&command{name: "rules", summary: "List every lint rule, and every rule of callspec breaking by category, with its default severity.", run: runRules})
	register(&command{name: "explain", usage: "RULE|CATEGORY", summary: "Explain a rule: why it matters, a bad and a good example.", run: runExplain})
}

func runRules(e *env, args []string) int {
	fs := flags(e, "rules")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	for _, r := range catalog.Lint() {
		fmt.Fprintf(e.stdout, "%-24s %-8s %s\n", r.ID, r.Severity, r.Summary)
	}
	fmt.Fprintf(e.stdout, "\ncallspec breaking (a category in callspec.yaml sets all of its rules):\n")
	for _, c := range catalog.Categories {
		fmt.Fprintf(e.stdout, "\n%s: %s\n", c.Name, c.Summary)
		for _, r := range catalog.InCategory(c.Name) {
			fmt.Fprintf(e.stdout, "%-24s %-8s %s\n", r.ID, r.Severity, r.Summary)
		}
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
	if r, ok := catalog.Lookup(id); ok && !r.Breaking() {
		fmt.Fprintf(e.stdout, "%s (default severity: %s)\n\n%s\n\n%s\n", r.ID, r.Severity, r.Summary, r.Doc)
		return exitOK
	}
	if r, ok := catalog.Lookup(id); ok {
		fmt.Fprintf(e.stdout, "%s (callspec breaking, category %s, default severity: %s)\n\n%s\n\n%s\n", r.ID, r.Category, r.Severity, r.Summary, r.Doc)
		return exitOK
	}
	if c, ok := catalog.LookupCategory(id); ok {
		fmt.Fprintf(e.stdout, "%s (callspec breaking): %s\n\n", c.Name, c.Summary)
		for _, r := range catalog.InCategory(id) {
			fmt.Fprintf(e.stdout, "%-24s %-8s %s\n", r.ID, r.Severity, r.Summary)
		}
		return exitOK
	}
	known := slices.Concat(catalog.IDs(), catalog.CategoryNames())
	hint := ""
	if best := diag.Nearest(id, known); best != "" {
		hint = fmt.Sprintf("; did you mean %q?", best)
	}
	return fail(e, "unknown rule %q%s (`callspec rules` lists them)", id, hint)
}
