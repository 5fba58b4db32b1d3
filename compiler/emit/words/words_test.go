package words_test

import (
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/words"
	"github.com/callspec/callspec/compiler/spec"
)

const spec1 = `callspec: 1
workflow: {id: words, title: Words, goal: Render conditions}
fields:
  notes: {type: text, max_length: 300}
webhook: {url: "https://ops.example.com/hooks/words", secret: "env:WORDS_SECRET"}
handoff:
  - {reason: r0, when: 'has(fields.notes) && fields.notes.contains("<b> & co")'}
`

// The docs page escapes markup; a prompt is a JSON string and gets the
// text as the spec wrote it. The words are the same.
func TestConditionStyles(t *testing.T) {
	s, findings := spec.Load("words.yaml", []byte(spec1))
	if s == nil {
		t.Fatalf("does not parse: %v", findings)
	}
	u, more := check.Check(s)
	for _, f := range append(findings, more...) {
		if f.Severity >= diag.Error {
			t.Fatalf("%s [%s]", f.Message, f.Rule)
		}
	}
	r := &u.IR.Handoff[0]
	if got, want := words.Condition(u.IR, r, words.Markdown), `notes contains "&lt;b&gt; &amp; co"`; got != want {
		t.Errorf("Markdown: got %s, want %s", got, want)
	}
	if got, want := words.Condition(u.IR, r, words.Plain), `notes contains "<b> & co"`; got != want {
		t.Errorf("Plain: got %s, want %s", got, want)
	}
}
