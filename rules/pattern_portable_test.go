package rules

import (
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

func TestPatternIssues(t *testing.T) {
	type issue struct {
		From, To    int
		Construct   string
		Replacement string // "-" when there is none
	}
	for _, tc := range []struct {
		pattern string
		want    []issue
	}{
		{`^[0-9]{5}(-[0-9]{4})?$`, nil},
		{`(?i)ord-\d+`, []issue{{0, 4, "(?i)", "-"}}},
		{`a(?i:b)(?-i)c(?sU)`, []issue{{1, 5, "(?i:", "-"}, {7, 12, "(?-i)", "-"}, {13, 18, "(?sU)", "-"}}},
		{`\Aab\z`, []issue{{0, 2, `\A`, "^"}, {4, 6, `\z`, "$"}}},
		{`(?P<year>\d{4})`, []issue{{0, 9, "(?P<year>", "(?<year>"}}},
		{`(?<1st>a)`, []issue{{3, 6, "1st", "-"}}},
		{`[[:alpha:]_][[:^digit:]]`, []issue{{1, 10, "[:alpha:]", "A-Za-z"}, {13, 23, "[:^digit:]", "-"}}},
		{`\Qa.b\E+`, []issue{{0, 7, `\Qa.b\E`, `a\.b`}}},
		{`x\Q(`, []issue{{1, 4, `\Q(`, `\(`}}},
		{`\pL\PN\p{^Lu}\P{^Nd}\p{Greek}\p{L}`, []issue{
			{0, 3, `\pL`, `\p{L}`}, {3, 6, `\PN`, `\P{N}`}, {6, 13, `\p{^Lu}`, `\P{Lu}`}, {13, 20, `\P{^Nd}`, `\p{Nd}`}, {20, 29, `\p{Greek}`, "-"}}},
		{`\x{41}\x{1F600}\x41`, []issue{{0, 6, `\x{41}`, `\x41`}, {6, 15, `\x{1F600}`, "😀"}}},
		{`\101\0\08\777\a`, []issue{{0, 4, `\101`, `\x41`}, {6, 8, `\0`, `\x00`}, {9, 13, `\777`, "ǿ"}, {13, 15, `\a`, `\x07`}}},
		{`\_\#\ \.\/[\-]`, []issue{{0, 2, `\_`, "_"}, {2, 4, `\#`, "#"}, {4, 6, `\ `, " "}}},
		{`a{,3}b}c]`, []issue{{1, 2, "{", `\{`}, {4, 5, "}", `\}`}, {6, 7, "}", `\}`}, {8, 9, "]", `\]`}}},
		{`[]a][^]b]`, []issue{{1, 2, "]", `\]`}, {6, 7, "]", `\]`}}},
		{`[\d-z][[:digit:]-a][a-]`, []issue{{3, 4, "-", `\-`}, {7, 16, "[:digit:]", "0-9"}, {16, 17, "-", `\-`}}},
		{`^*a$+\b?\A{2}`, []issue{{0, 2, "^*", "-"}, {3, 5, "$+", "-"}, {5, 8, `\b?`, "-"}, {8, 10, `\A`, "^"}, {8, 13, `\A{2}`, "-"}}},
		{`\s[\s,]\S`, []issue{{0, 2, `\s`, `[\t\n\f\r ]`}, {3, 5, `\s`, `\t\n\f\r `}, {7, 9, `\S`, `[^\t\n\f\r ]`}}},
		{`[\S]`, []issue{{1, 3, `\S`, "-"}}},
		{`é\d{2,}?[é-ü]`, nil},
		// The Doc's bad and good examples.
		{`(?i)\Aord-[[:digit:]]{6}\z`, []issue{{0, 4, "(?i)", "-"}, {4, 6, `\A`, "^"}, {11, 20, "[:digit:]", "0-9"}, {24, 26, `\z`, "$"}}},
		{`^[Oo][Rr][Dd]-[0-9]{6}$`, nil},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			if _, err := regexp.Compile(tc.pattern); err != nil {
				t.Fatalf("not RE2: %v", err)
			}
			var got []issue
			for _, is := range patternIssues(tc.pattern) {
				r := is.Replacement
				if !is.Mechanical {
					r = "-"
				}
				got = append(got, issue{is.From, is.To, is.Construct, r})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("issues\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// rewrite writes each issue's replacement in place of its construct; ok
// is false when an issue has none or two overlap.
func rewrite(pattern string, issues []patternIssue) (string, bool) {
	rs := []rune(pattern)
	var b strings.Builder
	at := 0
	for _, is := range issues {
		if !is.Mechanical || is.From < at {
			return "", false
		}
		b.WriteString(string(rs[at:is.From]))
		b.WriteString(is.Replacement)
		at = is.To
	}
	b.WriteString(string(rs[at:]))
	return b.String(), true
}

// sameRE2 reports whether two patterns mean the same to RE2: their
// simplified syntax trees print alike. A $ outside multi-line mode is the
// end of the text, as \z is; the tree only remembers which was written.
func sameRE2(a, b string) bool {
	tree := func(p string) string {
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return "error: " + err.Error()
		}
		var clear func(re *syntax.Regexp)
		clear = func(re *syntax.Regexp) {
			re.Flags &^= syntax.WasDollar
			for _, sub := range re.Sub {
				clear(sub)
			}
		}
		re = re.Simplify()
		clear(re)
		return re.String()
	}
	return tree(a) == tree(b)
}

// Random patterns are made of pieces of RE2 syntax that ECMA-262 reads
// the same way (though not in every combination: ^*) and of pieces that
// it does not; many combinations are not RE2 at all and are skipped.
var (
	portablePieces = []string{
		"a", "b", "é", "😀", ".", "^", "$", `\b`, `\B`, `\d`, `\D`, `\w`,
		"*", "+", "?", "{2}", "{1,3}", "{2,}", "-", ":", ",", "|", "(", ")", ">",
		"[a-z]", "[^a]", "[a-]", `[\-]`, "[[]", "(?:", "(?<m", `\p{L}`, `\p{Lu}`, `\p{Any}`,
		`\x41`, `\0`, `\f`, `\t`, `\v`, `\.`, `\/`, `\^`, `\$`, `\{`, `\}`, `\]`,
	}
	re2OnlyPieces = []string{
		`\A`, `\z`, `\s`, `\S`, "{,3}", "{", "}", "]", "[", "[]a]", "[^]a]", `[\d-z]`, "[[:alpha:]]",
		"[[:^digit:]x]", `[\s,]`, `[\S]`, "(?i)", "(?i:", "(?s)", "(?m)", "(?U)", "(?-i)", "(?P<n", "(?<1>",
		`\Q`, `\E`, `\pL`, `\PL`, `\p{^L}`, `\p{Greek}`, `\x{41}`, `\x{100}`, `\101`, `\08`, `\12`, `\a`,
		`\_`, `\#`, `\ `, `\-`, `\,`, `\:`, `\'`, `\"`, `\~`,
	}
)

func randomPattern(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(6) {
		pieces := portablePieces
		if r.IntN(6) == 0 {
			pieces = re2OnlyPieces
		}
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// ecmaAccepts asks Node whether ECMA-262 with the u flag, as JSON Schema
// validators use it, accepts each pattern.
func ecmaAccepts(t *testing.T, patterns []string) []bool {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the patterns cannot be checked against an ECMA-262 engine")
	}
	in, err := json.Marshal(patterns)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", `
const ps = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(ps.map(p => { try { new RegExp(p, "u"); return true; } catch { return false; } })));`)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var ok []bool
	if err := json.Unmarshal(out, &ok); err != nil || len(ok) != len(patterns) {
		t.Fatalf("node answered %q: %v", out, err)
	}
	return ok
}

// modifierGroup is a flag group that ES2025 modifiers accept, (?i:…),
// which older engines (Node 20) reject: the rule reports it either way.
var modifierGroup = regexp.MustCompile(`^\(\?[ims]*(-[ims]*)?:$`)

// TestPatternIssuesAgreeWithECMA checks the scan against a real ECMA-262
// engine on random RE2 patterns: ECMA-262 rejects a pattern exactly when
// the scan reports a construct it rejects, and where every issue has a
// replacement, the rewritten pattern means the same to RE2, has no
// issue left and is accepted by ECMA-262.
func TestPatternIssuesAgreeWithECMA(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	seen := map[string]bool{}
	var patterns, rewritten []string
	for len(patterns) < 4000 {
		p := randomPattern(r)
		if _, err := regexp.Compile(p); err != nil || seen[p] {
			continue
		}
		seen[p] = true
		patterns = append(patterns, p)
		if w, ok := rewrite(p, patternIssues(p)); ok && len(patternIssues(p)) > 0 {
			rewritten = append(rewritten, w)
			if _, err := regexp.Compile(w); err != nil || !sameRE2(p, w) {
				t.Errorf("%q rewritten as %q does not mean the same to RE2 (%v)", p, w, err)
			}
			if left := patternIssues(w); len(left) > 0 {
				t.Errorf("%q rewritten as %q still has issues: %+v", p, w, left)
			}
		}
	}
	accepted := ecmaAccepts(t, slices.Concat(patterns, rewritten))
	rejected := 0
	for i, p := range patterns {
		var rejects []string
		for _, is := range patternIssues(p) {
			if !is.Differs {
				rejects = append(rejects, is.Construct)
			}
		}
		switch {
		case !accepted[i] && len(rejects) == 0:
			t.Errorf("ECMA-262 rejects %q, but no construct of it is reported", p)
		case accepted[i] && len(rejects) > 0 && !slices.ContainsFunc(rejects, func(c string) bool { return !modifierGroup.MatchString(c) }):
			// ES2025 modifier groups: reported for older engines.
		case accepted[i] && len(rejects) > 0:
			t.Errorf("ECMA-262 accepts %q, but %q are reported as constructs it rejects", p, rejects)
		}
		if !accepted[i] {
			rejected++
		}
	}
	for i, w := range rewritten {
		if !accepted[len(patterns)+i] {
			t.Errorf("ECMA-262 rejects the rewritten pattern %q", w)
		}
	}
	// The comparison means something only if both outcomes are common.
	if rejected < len(patterns)/5 || rejected > len(patterns)*4/5 || len(rewritten) < 500 {
		t.Fatalf("%d of %d patterns rejected, %d rewritten: the random patterns do not exercise the scan", rejected, len(patterns), len(rewritten))
	}
}
