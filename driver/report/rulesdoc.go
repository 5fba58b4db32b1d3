package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/callspec/callspec/rules/catalog"
)

// RulesMarkdown writes docs/RULES.md, the reference of every lint rule,
// from the rule catalog (rules/catalog): an index, then one section per rule whose heading
// is the rule ID, so that GitHub's anchor for it is the ID too
// (RuleHelpURI links there). A rule's Doc is plain text whose examples
// are indented four spaces: Markdown code blocks as they are.
func RulesMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!-- Generated from the rule catalog (rules/catalog); do not edit. Regenerate with\n" +
		"     go test ./driver/report -run TestRulesDoc -update -->\n\n")
	b.WriteString("# Lint rules\n\n")
	b.WriteString("Every rule of `callspec lint`, with its default severity (change it per rule\n" +
		"in `callspec.yaml`). `callspec explain RULE` prints the same text.\n\n")
	b.WriteString("| rule | default | summary |\n| --- | --- | --- |\n")
	for _, r := range catalog.Lint() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.ID, r.ID, r.Severity, strings.ReplaceAll(r.Summary, "|", `\|`))
	}
	for _, r := range catalog.Lint() {
		fmt.Fprintf(&b, "\n## %s\n\nDefault severity: **%s**. %s.\n\n%s\n", r.ID, r.Severity, upperFirst(r.Summary), strings.TrimRight(r.Doc, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
