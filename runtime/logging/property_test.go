package logging_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/callspec/callspec/runtime/logging"
)

// Digit scripts a platform may send: ASCII, full-width, Arabic-Indic,
// Devanagari. Each string is the script's digits 0 to 9.
var digitScripts = []string{"0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९"}

// Separators between groups of digits, as people and platforms write them.
var phoneSeparators = []string{"", "", " ", "-", ".", "/", "_", "\u00a0", "\u202f", "\u2009", "\u3000", "–", "－", "\u200b", ") ", " (", "．"}

// Text a phone number or an address is glued to inside an id or a status.
var (
	prefixes = []string{"", "cust", "call_", "id-", "tel:", "x", "phone=", "Call ", "ID", "ABC", "ended:", "<", "status ", "cafe", "通話"}
	suffixes = []string{"", "ext", "ext12", "x", "_a", " ok", "#", ">", "/retry", "ext\u00a0", "号", "-b"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// genPhone writes a phone number: 7 to 15 digits after a '+', 9 to 15
// without, in groups joined by separators, in one digit script or a mix.
func genPhone(r *rand.Rand) string {
	var b strings.Builder
	n := 9 + r.IntN(7)
	switch r.IntN(3) {
	case 0:
		b.WriteString("+")
		n = 7 + r.IntN(9)
	case 1:
		b.WriteString("＋")
		n = 7 + r.IntN(9)
	}
	script := []rune(pick(r, digitScripts))
	mixed := r.IntN(8) == 0
	for i := 0; i < n; {
		if i > 0 {
			b.WriteString(pick(r, phoneSeparators))
		}
		group := min(1+r.IntN(4), n-i)
		for range group {
			if mixed {
				script = []rune(pick(r, digitScripts))
			}
			b.WriteRune(script[r.IntN(10)])
		}
		i += group
	}
	return b.String()
}

const (
	lower = "abcdefghijklmnopqrstuvwxyz"
	atext = lower + "0123456789._%+-"
)

func genWord(r *rand.Rand, alphabet string, min, max int) string {
	a := []rune(alphabet)
	var b strings.Builder
	for range min + r.IntN(max-min+1) {
		b.WriteRune(a[r.IntN(len(a))])
	}
	return b.String()
}

// genEmail writes an address: a local part of letters, digits and
// punctuation (some Unicode letters), an at sign in one of its spellings,
// and one to three labels and a top-level domain.
func genEmail(r *rand.Rand) (addr, local, domain string) {
	local = genWord(r, lower, 1, 1) + genWord(r, atext+"éüß李", 0, 15) + genWord(r, lower, 1, 1)
	labels := make([]string, 1+r.IntN(3))
	for i := range labels {
		labels[i] = genWord(r, lower, 1, 1) + genWord(r, lower+"0123456789-", 0, 10) + genWord(r, lower, 1, 1)
	}
	domain = strings.Join(labels, ".") + "." + genWord(r, lower, 2, 6)
	return local + pick(r, []string{"@", "@", "@", "＠", "%40"}) + domain, local, domain
}

func countDigits(s string) int {
	n := 0
	for _, c := range s {
		if unicode.IsDigit(c) {
			n++
		}
	}
	return n
}

// TestMaskProperties generates phone numbers and e-mail addresses in the
// shapes above, glued to the text of ids and statuses, and checks that
// none of their digits, no at sign and no domain survives Mask.
func TestMaskProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(20261201, 1))
	for range 20000 {
		pre, suf := pick(r, prefixes), pick(r, suffixes)
		phone := genPhone(r)
		in := pre + phone + suf
		out := logging.Mask(in)
		if countDigits(out) > countDigits(pre)+countDigits(suf) || !strings.Contains(out, "[phone]") {
			t.Fatalf("Mask(%q) = %q: a digit of the phone number %q survived", in, out, phone)
		}

		addr, local, domain := genEmail(r)
		in = pre + addr + suf
		out = logging.Mask(in)
		switch {
		case !strings.Contains(out, "[email]"),
			strings.ContainsAny(out, "@＠"), strings.Contains(out, "%40"),
			strings.Contains(out, domain),
			len(local) > 3 && !strings.Contains(pre+suf, local) && strings.Contains(out, local):
			t.Fatalf("Mask(%q) = %q: the address %q survived", in, out, addr)
		}
	}
}

// TestMaskKeepsOrdinaryValues: values with no phone number or address in
// them come back unchanged (and Mask is idempotent on what it made).
func TestMaskKeepsOrdinaryValues(t *testing.T) {
	r := rand.New(rand.NewPCG(20261201, 2))
	for range 5000 {
		// Random UUIDs, 32-hex ids, short numbers, words.
		var in string
		switch r.IntN(4) {
		case 0:
			in = genWord(r, "0123456789abcdef", 8, 8) + "-" + genWord(r, "0123456789abcdef", 4, 4) + "-" +
				genWord(r, "0123456789abcdef", 4, 4) + "-" + genWord(r, "0123456789abcdef", 4, 4) + "-" + genWord(r, "0123456789abcdef", 12, 12)
		case 1:
			in = "CA" + genWord(r, "0123456789abcdef", 31, 31) + "a"
		case 2:
			in = pick(r, prefixes) + genWord(r, "0123456789", 1, 6) + pick(r, suffixes)
		default:
			in = genWord(r, lower+" _-", 1, 30)
		}
		if got := logging.Mask(in); got != in {
			t.Fatalf("Mask(%q) = %q, want it unchanged", in, got)
		}
		phone := pick(r, prefixes) + genPhone(r) + pick(r, suffixes)
		if once := logging.Mask(phone); logging.Mask(once) != once {
			t.Fatalf("Mask is not idempotent on %q: %q, then %q", phone, once, logging.Mask(once))
		}
	}
}
