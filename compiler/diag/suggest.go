package diag

import (
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// SuggestBudget is the work one Suggester may spend on edit distances, in
// cells of the distance tables (the product of the two lengths, plus one
// per candidate looked at). It is far more than the typos of a written
// spec need, and a fraction of a second of work: without a bound, a spec
// naming 14,000 unknown values of an enum of 20,000 took two minutes to
// check.
const SuggestBudget = 50_000_000

// Suggester finds did-you-mean candidates within SuggestBudget. A check
// that may suggest for every name of a file uses one Suggester for the
// file; once the budget is spent, it suggests nothing more.
type Suggester struct {
	left int
}

// NewSuggester returns a Suggester with the whole budget.
func NewSuggester() *Suggester { return &Suggester{left: SuggestBudget} }

// Nearest returns the candidate closest to got by edit distance when it is
// close enough to be a likely typo, or "" when none is.
func Nearest(got string, candidates []string) string {
	return NewSuggester().Nearest(got, candidates)
}

// Nearest is diag.Nearest within what is left of the budget; when the
// budget runs out before every candidate is compared, it returns "".
func (s *Suggester) Nearest(got string, candidates []string) string {
	best, bestDist := "", -1
	limit := max(2, len(got)/3)
	n := utf8.RuneCountInString(got)
	for _, c := range candidates {
		m := utf8.RuneCountInString(c)
		s.left -= m + 1
		// The distance is at least the difference in length, so a
		// candidate that differs by more than the limit cannot be
		// suggested, and needs no table.
		if m-n > limit || n-m > limit {
			if s.left < 0 {
				return ""
			}
			continue
		}
		if s.left -= (n + 1) * (m + 1); s.left < 0 {
			return ""
		}
		dist := levenshtein.ComputeDistance(got, c)
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if bestDist < 0 || bestDist > limit || bestDist == len(got) {
		return ""
	}
	return best
}
