package logging

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What Mask puts in place of what it hides.
const (
	phoneMask = "[phone]"
	emailMask = "[email]"
)

// A phone number is a run of at least minDigits digits, or a '+' and at
// least minIntlDigits digits, the digits joined by at most maxSeparators
// separators in a row. E.164 numbers have up to 15 digits; national
// numbers of 9 or more are common, and a '+' marks even short ones.
const (
	minDigits     = 9
	minIntlDigits = 7
	maxSeparators = 3
)

// Mask replaces what looks like a phone number by "[phone]" and what looks
// like an e-mail address by "[email]", wherever they stand in s: glued to
// letters ("cust15557654321", "…4321ext", "call-jane@example.com"), with
// any digits (full-width "１５５５…", Arabic-Indic, …), written with
// spaces of any kind (NBSP, thin and ideographic spaces), dashes, dots,
// '/', '_' or parentheses, with '+' or '＋', and '@', '＠' or "%40".
//
// Two shapes of random ids are left alone although they may hold nine
// digits in a row: a UUID (8-4-4-4-12 hex digits, standing alone) and a
// run of at least 32 hex digits with a letter among them (Twilio's CA…,
// UUIDs without dashes), so that the call id a log line is searched by
// stays whole. No phone number glued to letters makes either shape: it
// would need 17 hex letters around it. A shorter hex id whose digits
// happen to make nine in a row is masked there.
func Mask(s string) string {
	if !mayHoldPII(s) {
		return s
	}
	emails := emailSpans(s)
	spans := emails
	// Ids only take candidates away: look for them only when there is a
	// candidate, so that a UUID or a status costs no allocation.
	if phoneSpans(s, emails, nil) != nil {
		spans = phoneSpans(s, union(slices.Concat(idSpans(s), emails)), emails)
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue // inside an e-mail address already masked
		}
		b.WriteString(s[last:sp.start])
		b.WriteString(sp.mask)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// mayHoldPII is Mask's fast path: an ASCII string with fewer than
// minIntlDigits digits and no '@' or "%40" holds nothing to mask. Log
// values are mostly such, and then Mask allocates nothing.
func mayHoldPII(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '@':
			return true
		case c >= '0' && c <= '9':
			digits++
		case c == '%' && strings.HasPrefix(s[i+1:], "40"):
			return true
		}
	}
	return digits >= minIntlDigits
}

// span is a byte range of s to replace by mask.
type span struct {
	start, end int
	mask       string
}

// inSpans returns the end of the span of spans (sorted, disjoint) that
// holds byte i, if one does.
func inSpans(spans []span, i int) (end int, ok bool) {
	k, _ := slices.BinarySearchFunc(spans, i, func(sp span, i int) int {
		switch {
		case sp.end <= i:
			return -1
		case sp.start > i:
			return 1
		}
		return 0
	})
	if k < len(spans) && spans[k].start <= i && i < spans[k].end {
		return spans[k].end, true
	}
	return 0, false
}

// union sorts spans and merges those that overlap.
func union(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	for _, sp := range spans {
		if k := len(out) - 1; k >= 0 && sp.start <= out[k].end {
			out[k].end = max(out[k].end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// atSign returns the length of the at sign at s[i:] ('@', '＠' or "%40"),
// or 0.
func atSign(s string, i int) int {
	switch {
	case s[i] == '@':
		return 1
	case strings.HasPrefix(s[i:], "＠"):
		return len("＠")
	case strings.HasPrefix(s[i:], "%40"):
		return 3
	}
	return 0
}

// isLocalRune reports whether r may be part of the local part of an
// address (RFC 5322 atext and '.', with Unicode letters and digits, RFC
// 6531).
func isLocalRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("!#$%&'*+/=?^_`{|}~-.", r)
}

// isDomainRune reports whether r may be part of a domain name.
func isDomainRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.'
}

// emailSpans returns the spans of local@domain in s: the longest local
// part before each at sign and the longest domain after it, less the dots
// and dashes that end a sentence. Each byte is looked at a bounded number
// of times, whatever s holds.
func emailSpans(s string) []span {
	var out []span
	lo := 0 // no local part reaches before lo
	for i := 0; i < len(s); i++ {
		n := atSign(s, i)
		if n == 0 {
			continue
		}
		start := i
		for start > lo {
			r, w := utf8.DecodeLastRuneInString(s[lo:start])
			if !isLocalRune(r) {
				break
			}
			start -= w
		}
		// A local part that runs into the previous address continues it
		// ("a@b%40c.com").
		glued := len(out) > 0 && start == lo && lo == out[len(out)-1].end
		for !glued && start < i && s[start] == '.' {
			start++
		}
		end := i + n
		for end < len(s) {
			r, w := utf8.DecodeRuneInString(s[end:])
			if !isDomainRune(r) {
				break
			}
			end += w
		}
		for end > i+n && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		switch {
		case end == i+n || start == i && !glued:
			// "name@", "@handle": no address.
			lo = i + n
			continue
		case glued:
			out[len(out)-1].end = end
		default:
			out = append(out, span{start, end, emailMask})
		}
		lo = end
		i = end - 1
	}
	return out
}

// isPhoneSeparator reports whether r may stand between the digits of a
// phone number: spaces of every kind, dashes of every kind, '.', '/', '_',
// parentheses (and their full-width forms) and invisible format
// characters such as a zero-width space.
func isPhoneSeparator(r rune) bool {
	switch r {
	case '.', '/', '_', '(', ')', '．', '／', '＿', '（', '）', '·':
		return true
	}
	return unicode.In(r, unicode.Zs, unicode.Pd, unicode.Cf)
}

func isPlus(r rune) bool { return r == '+' || r == '＋' }

// phoneSpans appends to dst the spans of phone numbers in s outside the
// spans of skip.
func phoneSpans(s string, skip, dst []span) []span {
	i := 0
	for i < len(s) {
		if end, ok := inSpans(skip, i); ok {
			i = end
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		start, j, plus := i, i, false
		switch {
		case isPlus(r):
			next, _ := utf8.DecodeRuneInString(s[i+w:])
			if !unicode.IsDigit(next) {
				i += w
				continue
			}
			plus, j = true, i+w
		case !unicode.IsDigit(r):
			i += w
			continue
		}
		digits, seps, end := 0, 0, j
		for j < len(s) {
			if _, ok := inSpans(skip, j); ok {
				break
			}
			r, w := utf8.DecodeRuneInString(s[j:])
			if unicode.IsDigit(r) {
				digits, seps = digits+1, 0
				j += w
				end = j
				continue
			}
			if seps == maxSeparators || !isPhoneSeparator(r) {
				break
			}
			seps++
			j += w
		}
		if digits >= minDigits || plus && digits >= minIntlDigits {
			// "(555) 123-4567": the opening parenthesis goes too.
			if before, w := utf8.DecodeLastRuneInString(s[:start]); before == '(' || before == '（' {
				if _, ok := inSpans(skip, start-w); !ok {
					start -= w
				}
			}
			dst = append(dst, span{start, end, phoneMask})
		}
		i = end
	}
	return dst
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// minHexID is the length from which a run of hex digits with a letter is
// taken for a random id: 128 bits.
const minHexID = 32

// idSpans returns the spans of UUIDs and of long hex ids in s: maximal
// runs of ASCII letters and digits, UUIDs taken whole with their dashes.
func idSpans(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		if n := uuidAt(s, i); n > 0 {
			out = append(out, span{i, i + n, ""})
			i += n
			continue
		}
		j, hex, letter := i, true, false
		for j < len(s) && isAlnum(s[j]) {
			hex = hex && isHex(s[j])
			letter = letter || s[j] > '9'
			j++
		}
		if hex && letter && j-i >= minHexID {
			out = append(out, span{i, j, ""})
		}
		i = j
	}
	return out
}

// uuidAt returns 36 when a UUID, not glued to other letters or digits,
// starts at s[i] (itself the start of a run of letters and digits).
func uuidAt(s string, i int) int {
	const n = 36
	if len(s)-i < n || i+n < len(s) && isAlnum(s[i+n]) {
		return 0
	}
	for k := 0; k < n; k++ {
		c := s[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return 0
			}
		} else if !isHex(c) {
			return 0
		}
	}
	return n
}
