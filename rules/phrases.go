package rules

import (
	"slices"
	"strings"
	"unicode"

	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
)

// phraseSet is a list of phrases prepared for findPhrase. A phrase ending
// in * matches any word that starts with it.
type phraseSet []phrase

type phrase struct {
	text   string // without the *
	runes  []rune // lower case
	prefix bool
}

// newPhraseSet prepares a documented phrase list once, at start-up:
// matching runs on every caller message and disclosure of every spec.
func newPhraseSet(list []string) phraseSet {
	set := make(phraseSet, len(list))
	for i, p := range list {
		text := strings.TrimSuffix(p, "*")
		set[i] = phrase{text: text, runes: []rune(strings.ToLower(text)), prefix: len(text) < len(p)}
	}
	return set
}

// phraseMatch is where a phrase was found in a text, in code points.
type phraseMatch struct {
	From, To int
	Phrase   string
}

// normalizedText is a text folded for phrase matching: lower case, curly
// apostrophes made straight and runs of white space made one space. orig
// maps each code point of the folded text back to the original.
type normalizedText struct {
	runes []rune
	orig  []int
}

func normalize(text string) normalizedText {
	n := normalizedText{runes: make([]rune, 0, len(text)), orig: make([]int, 0, len(text))}
	space := false
	i := 0
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			if !space && len(n.runes) > 0 {
				n.runes = append(n.runes, ' ')
				n.orig = append(n.orig, i)
			}
			space = true
		default:
			if r == '\u2019' || r == '\u2018' {
				r = '\''
			}
			n.runes = append(n.runes, unicode.ToLower(r))
			n.orig = append(n.orig, i)
			space = false
		}
		i++
	}
	return n
}

// isWordRune reports whether r belongs to a word of the text; an
// apostrophe does ("won't" is one word).
func isWordRune(r rune) bool { return letterOrDigit(r) || r == '\'' }

func letterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// findPhrase returns the first occurrence in text of any of phrases,
// ignoring case and white-space differences. A phrase matches whole words;
// a phrase ending in * matches any word that starts with it ("refund*"
// matches "refunds" and "refunded").
func findPhrase(text string, phrases phraseSet) (phraseMatch, bool) {
	n := normalize(text)
	best := phraseMatch{From: -1}
	for _, ph := range phrases {
		prefix, want := ph.prefix, ph.runes
		for i := 0; i+len(want) <= len(n.runes); i++ {
			if best.From >= 0 && n.orig[i] >= best.From {
				break
			}
			if n.runes[i] != want[0] || !slices.Equal(n.runes[i:i+len(want)], want) {
				continue
			}
			if i > 0 && isWordRune(n.runes[i-1]) && letterOrDigit(want[0]) {
				continue
			}
			end := i + len(want)
			if !prefix && end < len(n.runes) && isWordRune(n.runes[end]) && letterOrDigit(want[len(want)-1]) {
				continue
			}
			for prefix && end < len(n.runes) && isWordRune(n.runes[end]) {
				end++
			}
			best = phraseMatch{From: n.orig[i], To: n.orig[end-1] + 1, Phrase: ph.text}
			break
		}
	}
	return best, best.From >= 0
}

// textRange is the file range of code points [from, to) of a scalar's
// value, exact in every scalar style; it falls back to the whole value.
func textRange(f *source.File, s spec.String, from, to int) source.Range {
	if s.Node == nil || f == nil {
		return s.Where()
	}
	return f.MapScalar(s.Node).Range(from, to)
}
