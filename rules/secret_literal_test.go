package rules

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// keyLikeQuadratic is keyLike as it was before it counted code points as
// it walked: each token's range was counted from the start of the text,
// which made a long text quadratic. It is kept as the reference that the
// linear walk must agree with.
func keyLikeQuadratic(text string) (kind string, from, to int) {
	if len(text) < minKeyLength {
		return "", 0, 0
	}
	if i := strings.Index(text, "-----BEGIN"); i >= 0 && strings.Contains(text, "PRIVATE KEY-----") {
		from = utf8.RuneCountInString(text[:i])
		return "a private key", from, from + len("-----BEGIN")
	}
	for i := 0; i < len(text); {
		for i < len(text) && isKeySeparator(text[i:]) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
		j := i
		for j < len(text) && !isKeySeparator(text[j:]) {
			_, size := utf8.DecodeRuneInString(text[j:])
			j += size
		}
		tok := text[i:j]
		if len(tok) >= minKeyLength {
			tokFrom := utf8.RuneCountInString(text[:i])
			tokTo := tokFrom + utf8.RuneCountInString(tok)
			for _, ks := range keyShapes {
				if ks.re.MatchString(strings.TrimRight(tok, ".;:")) {
					return ks.kind, tokFrom, tokTo
				}
			}
			if param := secretInQuery(tok); param != "" {
				return "a credential in the URL query (" + param + "=…)", tokFrom, tokTo
			}
		}
		i = j
	}
	return "", 0, 0
}

// keyPieces are what the random texts are made of: separators of every
// kind (ASCII, Unicode white space), letters of one to four bytes, an
// invalid byte, credentials of every shape keyLike knows, near misses,
// URLs with and without a credential in the query, the trailing
// punctuation keyLike trims and the private key markers.
var keyPieces = []string{
	" ", "\t", "\n", "\r", ",", "\"", "'", "(", ")", "<", ">", "\u00a0", "\u2003", "\u3000",
	"a", "Z", "7", "_", "-", ".", ";", ":", "é", "日本", "🙂", "\xff",
	"word", "abcdefghijklmnop", "réservé-à-l'équipe",
	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_test_abcdefgh12",
	"sk-abcdefghijklmnopqrstuvwxyz", "ghp_abcdefghijklmnopqrstuv", "github_pat_abcdefghijklmnopqrstuv",
	"glpat-abcdefghijklmnopqrstuv", "xoxb-1234567890-abc", "AKIAABCDEFGHIJKLMNOP",
	"AIzaSyA1234567890abcdefghijklmnopqrstu", "eyJhbGciOiJIUzI1.eyJzdWIiOiIx.SflKxwRJSMeKKF2Q",
	"sk_live_short", "AKIAabcdefghijklmnop", "whsec_", "eyJ.a.b",
	"https://example.com/hook?token=c2VjcmV0", "https://example.com/hook?page=2", "https://example.com/?API_KEY=x&b=",
	"http://[::1/?key=1", "-----BEGIN", "PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
}

func randomKeyText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(40) {
		b.WriteString(keyPieces[r.IntN(len(keyPieces))])
	}
	return b.String()
}

// TestKeyLikeAgreesWithQuadratic compares keyLike with the quadratic walk
// it replaced on random texts and on the spec texts of the rule's
// testdata: the kind and code point range must be the same.
func TestKeyLikeAgreesWithQuadratic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	texts := []string{
		"", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"What went wrong (our Stripe key is sk_live_4eC39HqLyjWDarjtT1zdp7dc).",
		"https://parcels.example.com/hooks/redelivery?token=c2VjcmV0dG9rZW4",
		"préfixe — clé: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw;",
	}
	for range 50_000 {
		texts = append(texts, randomKeyText(r))
	}
	found := 0
	for _, text := range texts {
		kind, from, to := keyLike(text)
		wantKind, wantFrom, wantTo := keyLikeQuadratic(text)
		if kind != wantKind || from != wantFrom || to != wantTo {
			t.Fatalf("keyLike(%q) = %q [%d, %d), the quadratic walk gives %q [%d, %d)", text, kind, from, to, wantKind, wantFrom, wantTo)
		}
		if kind != "" {
			found++
		}
	}
	// The comparison means something only if both outcomes occur often.
	if found < len(texts)/10 || found > len(texts)*9/10 {
		t.Fatalf("%d of %d texts hold a credential; the random texts do not exercise both outcomes", found, len(texts))
	}
}
