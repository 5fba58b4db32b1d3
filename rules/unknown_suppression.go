package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "unknown-suppression",
		Severity: diag.Error,
		Summary:  "a # callspec:ignore comment names no rule, an unknown rule, gives no reason, or silences nothing",
		Doc: `
A suppression silences one rule on its own line and, when the comment
stands alone on its line, on the line below:

    # callspec:ignore RULE[,RULE…] reason

A misspelt rule ID silences nothing, so the finding it was meant for stays
and the comment misleads the next reader; a suppression without a reason
hides a decision nobody can review. Both are reported as errors. A
suppression whose rule reports nothing on its lines is reported as a
warning at the rule ID: it is stale, and would silently hide the next real
finding there. (Not in a file with a syntax error: no rule ran on it, so
fix the syntax first.) ` + "`callspec rules`" + ` lists the rule IDs. (Findings of this
rule cannot be suppressed.)

Bad:

    # callspec:ignore target-unsuported
    targets: [synthflow]

Good:

    # callspec:ignore target-unsupported the handler parses digits; other answers go to a person
    targets: [synthflow]
`,
		// driver/lint reports it while reading suppression comments.
	})
}
