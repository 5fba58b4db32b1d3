package rules

import (
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
)

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

The same holds for incomplete.caller_message, which the caller of an
incomplete call hears. The phrases are those of the spec's language
(en, es, fr, de, pt; see missing-disclosure); matching ignores case and
accents.

Promises that are reported in English (* is any word ending):
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
			ph, _, known := phrasesOf(p)
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
				if known {
					checkCallerMessage(p, ph, msg, "the caller_message of handoff rule "+strconv.Quote(name))
				}
			}
			if msg := p.Spec.Incomplete.CallerMessage; msg.Set {
				switch {
				case strings.TrimSpace(msg.Value) == "":
					p.Report(msg.Where(), "incomplete.caller_message is empty; remove it to use the built-in message, or tell the caller what happens next")
				case known:
					checkCallerMessage(p, ph, msg, "incomplete.caller_message")
				}
			}
		},
	})
}

// checkCallerMessage reports a promise in msg, and a message that does not
// say what happens next; what names the message in findings.
func checkCallerMessage(p *Pass, ph *phrases, msg spec.String, what string) {
	if m, ok := findPhrase(msg.Value, ph.commitment); ok {
		p.Report(textRange(p.Spec.File, msg, m.From, m.To),
			"%s promises an outcome (%q) that the assistant cannot commit to; say who will follow up instead and leave the decision to them", what, m.Phrase)
	}
	if _, ok := findPhrase(msg.Value, ph.nextStep); !ok {
		p.Report(msg.Where(), "%s does not tell the caller what happens next; say who will follow up and how, e.g. \"Someone from the team will call you back today.\"", what)
	}
}
