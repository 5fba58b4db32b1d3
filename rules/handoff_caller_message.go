package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
)

// commitmentPhrases promise an outcome that only a person may promise. A
// phrase matches whole words, case-insensitively; a trailing * matches any
// word starting with it.
var commitmentPhrases = newPhraseSet([]string{
	"we will fix", "we'll fix", "will be fixed", "will be repaired", "will be replaced",
	"approved", "is accepted", "has been accepted",
	"guarantee*", "refund*", "reimburs*", "compensat*", "waive*",
	"you are covered", "you're covered", "is covered", "will be covered",
	"you qualify", "you are eligible", "you're eligible",
	"free of charge", "no charge", "at no cost",
	"will be credited", "credit your account",
	"is resolved", "has been resolved", "will be resolved", "we will resolve", "we'll resolve",
	"is confirmed", "has been confirmed", "is booked", "has been booked",
	"promise*",
})

// nextStepPhrases say what happens after the handoff: who acts, or that
// the caller is being passed on.
var nextStepPhrases = newPhraseSet([]string{
	"will", "'ll", "going to", "shall", "you back", "get back to you", "follow up", "follow-up",
	"contact you", "reach out", "transfer*", "connect*", "put you through", "passing", "passed",
	"forward*", "stay on the line", "hold", "next",
})

func init() {
	register(&Rule{
		ID:       "handoff-caller-message",
		Severity: diag.Error,
		Summary:  "a handoff rule does not tell the caller what happens next, or promises an automated outcome",
		Doc: `
When a rule hands the call to a person, the caller hears caller_message.
It must tell them what happens next (who will follow up, and how), and it
must not promise an outcome: the assistant cannot know whether a repair,
refund, approval or cover will happen, and a promise made on a recorded
line is hard to take back. Leave commitments to the person who takes over.

A message tells what happens next when it says who acts or that the caller
is passed on ("will", "'ll", "call you back", "get back to you", "follow
up", "transfer", "connect", "stay on the line", …).

Promises that are reported (case-insensitive; * is any word ending):
"we will fix", "will be fixed", "will be repaired", "will be replaced",
"approved", "is accepted", "guarantee*", "refund*", "reimburs*",
"compensat*", "waive*", "you are covered", "is covered", "you qualify",
"you are eligible", "free of charge", "no charge", "at no cost", "will be
credited", "is resolved", "will be resolved", "we will resolve", "is
confirmed", "is booked", "promise*".

Bad:

    caller_message: Don't worry, we will fix it tomorrow and refund the call-out fee.

Good:

    caller_message: >-
      I am passing this to a person now. Someone from the team will call
      you back within the hour.
`,
		Check: func(p *Pass) {
			for _, r := range p.Spec.Handoff.Items {
				msg := r.CallerMessage
				name := r.Reason.Value
				switch {
				case !msg.Set:
					p.Report(r.Range, "handoff rule %q has no caller_message; add one that tells the caller what happens next, e.g. \"Someone from the team will call you back today.\"", name)
					continue
				case strings.TrimSpace(msg.Value) == "":
					p.Report(msg.Where(), "the caller_message of handoff rule %q is empty; tell the caller what happens next, e.g. \"Someone from the team will call you back today.\"", name)
					continue
				}
				if m, ok := findPhrase(msg.Value, commitmentPhrases); ok {
					p.Report(textRange(p.Spec.File, msg, m.From, m.To),
						"the caller_message of handoff rule %q promises an outcome (%q) that the assistant cannot commit to; say who will follow up instead and leave the decision to them", name, m.Phrase)
				}
				if _, ok := findPhrase(msg.Value, nextStepPhrases); !ok {
					p.Report(msg.Where(), "the caller_message of handoff rule %q does not tell the caller what happens next; say who will follow up and how, e.g. \"Someone from the team will call you back today.\"", name)
				}
			}
		},
	})
}
