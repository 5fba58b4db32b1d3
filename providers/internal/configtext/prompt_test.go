package configtext_test

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/providertest"
)

// TestPromptGolden keeps the agent prompt of every seed workflow, which
// all four platforms ship, under review as text.
func TestPromptGolden(t *testing.T) {
	for _, id := range providertest.IDs(t) {
		t.Run(id, func(t *testing.T) {
			w := providertest.Get(t, id).IR
			got := configtext.Prompt(w)
			if got != configtext.Prompt(w) {
				t.Fatal("prompt is not deterministic")
			}
			providertest.Golden(t, "prompt/"+id, []byte(got))
		})
	}
}

// TestPromptSaysEverySpokenText checks the parts the issue names, so a
// golden accepted with -update cannot silently lose one.
func TestPromptSaysEverySpokenText(t *testing.T) {
	for _, id := range providertest.IDs(t) {
		t.Run(id, func(t *testing.T) {
			w := providertest.Get(t, id).IR
			got := configtext.Prompt(w)
			want := []string{strings.Join(strings.Fields(w.Goal), " "), "Never promise an outcome"}
			for _, q := range w.Questions {
				want = append(want, strings.Join(strings.Fields(q.Ask), " "))
			}
			for _, r := range w.Handoff {
				if r.CallerMessage != "" {
					want = append(want, strings.Join(strings.Fields(r.CallerMessage), " "))
				}
			}
			last := -1
			for _, s := range want[2:] {
				i := strings.Index(got, s)
				if i < 0 {
					t.Errorf("prompt lacks %q:\n%s", s, got)
					continue
				}
				if i < last {
					t.Errorf("%q is out of the spec's order", s)
				}
				last = i
			}
			for _, s := range want[:2] {
				if !strings.Contains(got, s) {
					t.Errorf("prompt lacks %q:\n%s", s, got)
				}
			}
		})
	}
}
