package rules

import (
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.HandoffCallerMessage.Rule(),
		Check: func(p *Pass) {
			ph, _, known := phrasesOf(p)
			for _, r := range p.Spec.Handoff.Items {
				msg := r.CallerMessage
				name := r.Reason.Value
				switch {
				case !msg.Set:
					p.Report(r.Range(), "handoff rule %q has no caller_message; add one that tells the caller what happens next, e.g. \"Someone from the team will call you back today.\"", name)
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
	folded := normalize(msg.Value)
	if m, ok := findNormalized(folded, ph.commitment); ok {
		p.Report(textRange(p.Spec.File, msg, m.From, m.To),
			"%s promises an outcome (%q) that the assistant cannot commit to; say who will follow up instead and leave the decision to them", what, m.Phrase)
	}
	if _, ok := findNormalized(folded, ph.nextStep); !ok {
		p.Report(msg.Where(), "%s does not tell the caller what happens next; say who will follow up and how, e.g. \"Someone from the team will call you back today.\"", what)
	}
}
