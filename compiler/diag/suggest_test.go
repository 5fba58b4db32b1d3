package diag

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agnivade/levenshtein"
)

// nearestUnbounded is Nearest as it was before the budget: every
// candidate's distance computed. It is the reference Nearest must agree
// with while the budget lasts.
func nearestUnbounded(got string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		dist := levenshtein.ComputeDistance(got, c)
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	limit := max(2, len(got)/3)
	if bestDist < 0 || bestDist > limit || bestDist == len(got) {
		return ""
	}
	return best
}

func randomWord(r *rand.Rand) string {
	letters := []string{"a", "b", "c", "e", "_", "é", "日"}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(letters[r.IntN(len(letters))])
	}
	return b.String()
}

// TestNearestAgreesWithUnbounded compares Nearest with the unbounded
// search on random words: skipping the candidates whose length differs
// by more than the limit changes no answer.
func TestNearestAgreesWithUnbounded(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	suggested := 0
	for range 20_000 {
		candidates := make([]string, r.IntN(8))
		for i := range candidates {
			candidates[i] = randomWord(r)
		}
		got := randomWord(r)
		if r.IntN(2) == 0 && len(candidates) > 0 {
			got = candidates[r.IntN(len(candidates))] + "a" // a near miss
		}
		want := nearestUnbounded(got, candidates)
		if s := Nearest(got, candidates); s != want {
			t.Fatalf("Nearest(%q, %q) = %q, the unbounded search gives %q", got, candidates, s, want)
		}
		if want != "" {
			suggested++
		}
	}
	if suggested < 2000 {
		t.Fatalf("only %d suggestions: the random words do not exercise Nearest", suggested)
	}
}

// TestSuggesterBudget checks that one Suggester stops suggesting once the
// distances it computed fill SuggestBudget, and that what it suggested
// until then is what Nearest suggests.
func TestSuggesterBudget(t *testing.T) {
	var values []string
	for i := range 20_000 {
		values = append(values, fmt.Sprintf("v%09d", i))
	}
	s := NewSuggester()
	// Each call compares 20,000 candidates of 10 code points with an
	// 11-code-point name: (12*11+11)*20,000 cells, so the budget lasts
	// 17 calls.
	calls := 0
	for i := range 100 {
		got := fmt.Sprintf("v%09dx", i)
		if s.Nearest(got, values) == "" {
			break
		}
		if want := Nearest(got, values); want != fmt.Sprintf("v%09d", i) {
			t.Fatalf("Nearest(%q) = %q", got, want)
		}
		calls++
	}
	if want := SuggestBudget / ((12*11 + 11) * len(values)); calls != want {
		t.Errorf("the Suggester suggested %d times, want %d", calls, want)
	}
	if got := s.Nearest("v000000000x", []string{"v000000000"}); got != "" {
		t.Errorf("a spent Suggester suggested %q", got)
	}
}
