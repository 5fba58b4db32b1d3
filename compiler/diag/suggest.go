package diag

import (
	"github.com/agnivade/levenshtein"
)

// Nearest returns the candidate closest to got by edit distance when it is
// close enough to be a likely typo, or "" when none is.
func Nearest(got string, candidates []string) string {
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
