package rules

import "testing"

// TestFindPhrase checks word boundaries, prefixes, case, apostrophes and
// white space across lines, with offsets in code points.
func TestFindPhrase(t *testing.T) {
	cases := []struct {
		text, phrase string
		from, to     int
		ok           bool
	}{
		{"You will get a REFUND.", "refund*", 15, 21, true},
		{"We've refunded it", "refund*", 6, 14, true},
		{"We'll call you back", "'ll", 2, 5, true},
		{"financial aid", "ai", 0, 0, false},
		{"I'm an AI assistant", "ai", 7, 9, true},
		{"it is\n  guaranteed", "is guaranteed", 3, 18, true},
		{"it is\n  guaranteed", "is guarantee*", 3, 18, true},
		{"We won’t be recording", "won't be recording", 3, 21, true},
		{"unapproved", "approved", 0, 0, false},
	}
	for _, c := range cases {
		m, ok := findPhrase(c.text, newPhraseSet([]string{c.phrase}))
		if ok != c.ok || (ok && (m.From != c.from || m.To != c.to)) {
			t.Errorf("findPhrase(%q, %q) = %+v, %v; want [%d,%d) %v", c.text, c.phrase, m, ok, c.from, c.to, c.ok)
		}
	}
}
