package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
)

// automationPhrases tell the caller that no person is speaking.
var automationPhrases = newPhraseSet([]string{
	"automated", "automatic", "ai", "artificial intelligence", "bot", "chatbot", "robot",
	"virtual assistant", "virtual receptionist", "virtual agent", "digital assistant",
	"voice assistant", "not a person", "not a human",
})

// recordingPhrases tell the caller that the call may be recorded.
var recordingPhrases = newPhraseSet([]string{
	"recorded", "recording", "record this call", "record the call", "record calls", "record your call",
})

// noRecordingPhrases deny recording; a disclosure saying so is wrong for
// the platforms callspec targets, which record calls.
var noRecordingPhrases = newPhraseSet([]string{
	"not recorded", "not be recorded", "not being recorded", "never recorded", "isn't recorded",
	"won't be recorded", "is not recorded", "no recording", "not record",
})

func init() {
	register(&Rule{
		ID:       "missing-disclosure",
		Severity: diag.Error,
		Summary:  "the disclosure is missing or does not say the caller talks to an automated assistant and may be recorded",
		Doc: `
The disclosure is the first thing the assistant says. Callers have a right
to know that they are talking to a machine and that the call may be
recorded; in many places the law requires both, before anything else is
said. A disclosure that only greets the caller is not enough.

The rule looks for words that say the assistant is automated (automated,
AI, bot, virtual assistant, virtual receptionist, digital assistant, not a
person, …) and words that say the call may be recorded (recorded,
recording, record this call, …), ignoring case. A disclosure that says the
call is not recorded is reported too.

Bad:

    disclosure: Hi, thanks for calling Acme Properties!

Good:

    disclosure: >-
      Hi, you've reached the automated assistant for Acme Properties.
      This call may be recorded.
`,
		Check: func(p *Pass) {
			d := p.Spec.Disclosure
			if !d.Set {
				p.Report(p.WholeSpec(), "the spec has no disclosure; add `disclosure:` with the first sentence the assistant says, stating that the caller talks to an automated assistant and that the call may be recorded")
				return
			}
			text := d.Value
			if strings.TrimSpace(text) == "" {
				p.Report(d.Where(), "the disclosure is empty; say that the caller talks to an automated assistant and that the call may be recorded")
				return
			}
			var missing []string
			if _, ok := findPhrase(text, automationPhrases); !ok {
				missing = append(missing, "that the caller talks to an automated assistant (e.g. \"you've reached the automated assistant\")")
			}
			if m, ok := findPhrase(text, noRecordingPhrases); ok {
				p.Report(textRange(p.Spec.File, d, m.From, m.To), "the disclosure says the call is not recorded, but voice platforms record calls; say that the call may be recorded")
			} else if _, ok := findPhrase(text, recordingPhrases); !ok {
				missing = append(missing, "that the call may be recorded (e.g. \"This call may be recorded.\")")
			}
			if len(missing) > 0 {
				p.Report(d.Where(), "the disclosure does not say %s; callers must hear it before anything else", strings.Join(missing, ", nor "))
			}
		},
	})
}
