package configtext

import (
	"fmt"
	"strings"

	"github.com/callspec/callspec/compiler/emit/words"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/internal/payload"
)

// FirstMessage is what the assistant says first on every platform: the
// spec's disclosure, unchanged (lint has checked that it says the call is
// automated and may be recorded).
func FirstMessage(w *ir.Workflow) string { return strings.TrimSpace(w.Disclosure) }

// Prompt is the agent prompt of w, the same on every platform: the goal,
// the questions in order with what each collects, the handoff rules in
// words (as the docs page says them) with the message the caller hears,
// what to say when required details are missing, and never to promise an
// outcome.
//
// The spec's own text (goal, questions, messages) is in the spec's
// language; the sentences around it are English, which the models behind
// every platform follow whatever language they speak, and the prompt tells
// the assistant to speak the spec's language with the caller.
func Prompt(w *ir.Workflow) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("You are the phone assistant of %s. Your goal on this call: %s", oneLine(w.Title), Sentence(oneLine(w.Goal)))
	if d := FirstMessage(w); d != "" {
		line("You have opened the call with: “%s”", oneLine(d))
	}
	if l, ok := workflow.LookupLanguage(w.Language); ok && l.Tag != workflow.DefaultLanguage {
		line("Speak %s with the caller.", l.Name)
	}

	asked := map[string]bool{}
	if len(w.Questions) > 0 {
		line("")
		line("Ask these questions in this order, one at a time, and wait for each answer:")
		for i, q := range w.Questions {
			line("%d. %s", i+1, oneLine(q.Ask))
			for _, name := range q.Collects {
				asked[name] = true
				if f, ok := w.Field(name); ok {
					line("   Collects %s", collected(f))
				}
			}
		}
	}
	first := true
	for i := range w.Fields {
		if f := &w.Fields[i]; !asked[f.Name] {
			if first {
				line("")
				line("Also note, from what the caller says:")
				first = false
			}
			line("- %s", collected(f))
		}
	}

	if len(w.Handoff) > 0 {
		line("")
		line("A person takes over when one of these applies; the first one that applies decides. Tell the caller its message, in these words, and do not try to solve it yourself:")
		for i := range w.Handoff {
			r := &w.Handoff[i]
			s := fmt.Sprintf("- When %s", words.Condition(w, r, words.Plain))
			if m := oneLine(r.CallerMessage); m != "" {
				s += fmt.Sprintf(", say: “%s”", m)
			}
			line("%s", s)
		}
	}
	var required []string
	for _, f := range w.Fields {
		if f.Required {
			required = append(required, payload.Human(f.Name))
		}
	}
	if len(required) > 0 {
		inc := w.Definition().BuiltinHandoff(event.IncompleteCall)
		line("")
		line("If the caller cannot give all of these: %s, say: “%s”", strings.Join(required, ", "), oneLine(inc.CallerMessage))
	}

	line("")
	line("Never promise an outcome: do not say whether or when something will be done, approved or paid; say only what the messages above say.")
	return b.String()
}

// collected names field f with its description, format and constraints.
func collected(f *ir.Field) string {
	if d := Details(f); len(d) > 0 {
		return payload.Human(f.Name) + ": " + strings.Join(d, " ")
	}
	return payload.Human(f.Name)
}

// oneLine collapses white space, so spec text written over several YAML
// lines reads as one sentence.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
