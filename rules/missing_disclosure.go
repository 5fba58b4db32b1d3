package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.MissingDisclosure.Rule(),
		Check: func(p *Pass) {
			ph, tag, known := phrasesOf(p)
			if !known {
				advice := "read them yourself"
				if !p.Spec.Incomplete.CallerMessage.Set {
					advice += ", and set incomplete.caller_message, since the built-in messages fall back to English"
				}
				p.ReportAs(diag.Info, p.Spec.Language.Where(), "callspec has no phrase lists for language %q (it has %s), so the disclosure and the caller messages are not checked for their wording; %s", tag, strings.Join(languageTags(), ", "), advice)
			}
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
			if !known {
				return
			}
			var missing []string
			folded := normalize(text)
			if _, ok := findNormalized(folded, ph.automation); !ok {
				missing = append(missing, "that the caller talks to an automated assistant (e.g. \"you've reached the automated assistant\")")
			}
			if m, ok := findNormalized(folded, ph.noRecording); ok {
				p.Report(textRange(p.Spec.File, d, m.From, m.To), "the disclosure says the call is not recorded, but voice platforms record calls; say that the call may be recorded")
			} else if _, ok := findNormalized(folded, ph.recording); !ok {
				missing = append(missing, "that the call may be recorded (e.g. \"This call may be recorded.\")")
			}
			if len(missing) > 0 {
				p.Report(d.Where(), "the disclosure does not say %s; callers must hear it before anything else", strings.Join(missing, ", nor "))
			}
		},
	})
}

// languageTags lists the languages with phrase lists, in
// workflow.Languages order.
func languageTags() []string {
	var out []string
	for _, l := range workflow.Languages() {
		if _, ok := phrasesByLanguage[l.Tag]; ok {
			out = append(out, l.Tag)
		}
	}
	return out
}
