package blandconfig_test

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/bland/blandconfig"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var e = blandconfig.Emitter{}

func TestConfigGolden(t *testing.T) { providertest.ConfigGolden(t, e) }

// TestConfigSpeaks: the send-call body carries the disclosure as
// first_sentence and the agent prompt as task.
func TestConfigSpeaks(t *testing.T) {
	type body struct {
		FirstSentence string `json:"first_sentence"`
		Task          string `json:"task"`
	}
	providertest.EachConfig(t, e, func(t *testing.T, w *ir.Workflow, got body) {
		if got.FirstSentence != w.Disclosure || got.Task != configtext.Prompt(w) {
			t.Errorf("first_sentence %q and task %q, want the disclosure and the prompt", got.FirstSentence, got.Task)
		}
	})
}

// TestLossesFirstSentence: Bland documents first_sentence as less than
// 200 characters (not bytes: "é" is one).
func TestLossesFirstSentence(t *testing.T) {
	for _, tc := range []struct {
		disclosure string
		losses     int
	}{
		{strings.Repeat("é", 199), 0},
		{strings.Repeat("é", 200), 1},
	} {
		got := e.Losses(&ir.Workflow{Disclosure: tc.disclosure})
		if len(got) != tc.losses || (len(got) == 1 && (got[0].Field != "" || got[0].Safe)) {
			t.Errorf("%d characters: losses %+v, want %d unsafe loss of the spoken text", len([]rune(tc.disclosure)), got, tc.losses)
		}
	}
}
