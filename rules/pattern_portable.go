package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.PatternPortable.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil {
				return
			}
			for _, e := range p.Spec.Fields.Entries {
				pattern := e.Value.Pattern
				f, ok := p.IR.Field(e.Key.Value)
				if !pattern.Set || !ok || (f.Type != celenv.Text && f.Items != celenv.Text) {
					continue // a pattern where none applies is a field-type finding
				}
				if _, err := regexp.Compile(pattern.Value); err != nil {
					continue // not RE2: a field-type finding
				}
				for _, is := range patternIssues(pattern.Value) {
					how := "which ECMA-262, the regular expressions of JSON Schema validators, rejects"
					if is.Differs {
						how = "which ECMA-262, the regular expressions of JSON Schema validators, reads differently from the handler (RE2)"
					}
					p.Report(textRange(p.Spec.File, pattern, is.From, is.To), "the pattern of %q uses `%s`, %s; %s", e.Key.Value, is.Construct, how, is.Fix)
				}
			}
		},
	})
}

// patternIssue is one construct of a valid RE2 pattern that ECMA-262 (with
// the u flag) rejects, or accepts with another meaning.
type patternIssue struct {
	// From and To are the construct's code points in the pattern.
	From, To int
	// Construct is the construct as written, shortened when it is long.
	Construct string
	// Differs marks a construct that both accept with different meanings.
	Differs bool
	// Fix says what to write instead.
	Fix string
	// Replacement is the portable spelling, when writing it in place of
	// the construct is all there is to do; Mechanical says there is one
	// (a replacement may be empty).
	Replacement string
	Mechanical  bool
}

// posixClasses are the ranges of RE2's [:name:] classes, to write inside
// the brackets.
var posixClasses = map[string]string{
	"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": `\x00-\x7F`, "blank": `\t `,
	"cntrl": `\x00-\x1F\x7F`, "digit": "0-9", "graph": "!-~", "lower": "a-z",
	"print": " -~", "punct": `!-/:-@\[-` + "`" + `{-~`, "space": `\t\n\v\f\r `, "upper": "A-Z",
	"word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}

// ecmaIdentityEscapes are the characters ECMA-262's u flag lets a
// backslash stand before outside a class (inside one, - too).
const ecmaIdentityEscapes = `^$\.*+?()[]{}|/`

// patternIssues scans a pattern that RE2 accepts for the constructs
// ECMA-262 rejects or reads differently. regexp/syntax has checked the
// pattern, but its tree keeps neither spelling nor position (\A and ^
// are both OpBeginText, \Q…\E is gone), so the scan reads the text,
// following RE2's grammar as regexp/syntax's parser does.
func patternIssues(pattern string) []patternIssue {
	s := &patternScan{rs: []rune(pattern)}
	s.scan()
	return s.out
}

type patternScan struct {
	rs  []rune
	out []patternIssue
	// afterAnchor is the end of the last ^, $, \A, \z, \b or \B when
	// nothing has followed it yet, else -1: a quantifier there is one
	// ECMA-262 rejects.
	afterAnchor int
	anchorFrom  int
}

func (s *patternScan) at(i int) rune {
	if i < len(s.rs) {
		return s.rs[i]
	}
	return 0
}

func (s *patternScan) text(from, to int) string {
	t := string(s.rs[from:to])
	if r := []rune(t); len(r) > 24 {
		t = string(r[:20]) + "…" + string(r[len(r)-3:])
	}
	return t
}

func (s *patternScan) report(from, to int, differs bool, fix string) {
	s.out = append(s.out, patternIssue{From: from, To: to, Construct: s.text(from, to), Differs: differs, Fix: fix})
}

func (s *patternScan) replace(from, to int, differs bool, replacement, fix string) {
	s.out = append(s.out, patternIssue{From: from, To: to, Construct: s.text(from, to), Differs: differs,
		Fix: fix, Replacement: replacement, Mechanical: true})
}

func (s *patternScan) scan() {
	s.afterAnchor = -1
	for i := 0; i < len(s.rs); {
		anchorBefore := s.afterAnchor == i
		c := s.rs[i]
		switch {
		case c == '\\':
			i = s.escape(i, false)
			if s.afterAnchor == i {
				continue // the escape was an anchor
			}
		case c == '[':
			i = s.class(i)
		case c == '(' && s.at(i+1) == '?':
			i = s.group(i)
		case c == '^' || c == '$':
			i++
			s.afterAnchor, s.anchorFrom = i, i-1
			continue
		case c == '*' || c == '+' || c == '?' || c == '{' && repeatLen(s.rs[i:]) > 0:
			n := 1
			if c == '{' {
				n = repeatLen(s.rs[i:])
			}
			if s.at(i+n) == '?' {
				n++ // lazy
			}
			if anchorBefore {
				s.report(s.anchorFrom, i+n, false, "remove the quantifier: an anchor holds or not, it cannot repeat")
			}
			i += n
		case c == '{' || c == '}' || c == ']':
			s.replace(i, i+1, false, `\`+string(c), fmt.Sprintf("RE2 takes it literally; escape it as \\%c", c))
			i++
		default:
			i++
		}
		s.afterAnchor = -1
	}
}

// repeatLen is the length of a counted repetition {n}, {n,} or {n,m} at
// the start of rs, or 0: RE2 takes any other { literally.
func repeatLen(rs []rune) int {
	i := 1
	digits := func() int {
		start := i
		for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
			i++
		}
		return i - start
	}
	if len(rs) == 0 || rs[0] != '{' || digits() == 0 {
		return 0
	}
	if i < len(rs) && rs[i] == ',' {
		i++
		digits()
	}
	if i < len(rs) && rs[i] == '}' {
		return i + 1
	}
	return 0
}

// escape reads the escape at i and returns where the next token starts.
func (s *patternScan) escape(i int, inClass bool) int {
	c := s.at(i + 1)
	switch {
	case c == 'A' || c == 'z':
		anchor := map[rune]string{'A': "^", 'z': "$"}[c]
		s.replace(i, i+2, false, anchor, fmt.Sprintf("write %s, which means the same in both", anchor))
		s.afterAnchor, s.anchorFrom = i+2, i
		return i + 2
	case c == 'b' || c == 'B':
		s.afterAnchor, s.anchorFrom = i+2, i
		return i + 2
	case c == 'Q':
		end, next := len(s.rs), len(s.rs)
		for j := i + 2; j+1 < len(s.rs); j++ {
			if s.rs[j] == '\\' && s.rs[j+1] == 'E' {
				end, next = j, j+2
				break
			}
		}
		quoted := regexp.QuoteMeta(string(s.rs[i+2 : end]))
		fix := "write the quoted text with each special character escaped instead: " + quoted
		if quoted == "" {
			fix = "remove it: it quotes nothing"
		}
		s.replace(i, next, false, quoted, fix)
		return next
	case c == 'p' || c == 'P':
		return s.property(i)
	case c == 'x':
		if s.at(i+2) != '{' {
			return i + 4 // \xHH
		}
		end := slices.Index(s.rs[i+2:], '}') + i + 2
		var v rune
		fmt.Sscanf(string(s.rs[i+3:end]), "%x", &v)
		s.codePoint(i, end+1, v)
		return end + 1
	case c >= '0' && c <= '7':
		// RE2 reads \0 and \1…\7 followed by an octal digit as up to
		// three octal digits; ECMA-262 knows only \0 before a non-digit.
		j := i + 2
		for j < i+4 && s.at(j) >= '0' && s.at(j) <= '7' {
			j++
		}
		if c == '0' && j == i+2 && !(s.at(j) >= '0' && s.at(j) <= '9') {
			return j
		}
		var v rune
		fmt.Sscanf(string(s.rs[i+1:j]), "%o", &v)
		s.codePoint(i, j, v)
		return j
	case c == 'a':
		s.replace(i, i+2, false, `\x07`, `write \x07 instead`)
		return i + 2
	case c == 's' || c == 'S':
		switch {
		case !inClass:
			class := map[rune]string{'s': `[\t\n\f\r ]`, 'S': `[^\t\n\f\r ]`}[c]
			s.replace(i, i+2, true, class, fmt.Sprintf("ECMA-262's \\%c also counts \\v, no-break spaces and the other Unicode spaces as white space; write %s, which means RE2's \\%[1]c in both", c, class))
		case c == 's':
			s.replace(i, i+2, true, `\t\n\f\r `, `ECMA-262's \s also matches \v, no-break spaces and the other Unicode spaces; write \t\n\f\r and a space inside the brackets, which is RE2's \s in both`)
		default:
			s.report(i, i+2, true, `ECMA-262's \S excludes \v, no-break spaces and the other Unicode spaces too; write the class without \S, e.g. as an alternative (…|[^\t\n\f\r ])`)
		}
		return i + 2
	case c < 0x80 && !unicode.IsLetter(c) && !unicode.IsDigit(c):
		if strings.ContainsRune(ecmaIdentityEscapes, c) || inClass && c == '-' {
			return i + 2
		}
		switch {
		case c == ' ':
			s.replace(i, i+2, false, " ", "a space needs no backslash; write the space alone")
		case c < 0x20 || c == 0x7F:
			spelling := fmt.Sprintf(`\x%02X`, c)
			s.replace(i, i+2, false, spelling, "write "+spelling+" instead")
		default:
			s.replace(i, i+2, false, string(c), fmt.Sprintf("%c needs no backslash; write %[1]c alone", c))
		}
		return i + 2
	}
	return i + 2 // \d \w \n … mean the same in both
}

// codePoint reports an escape of code point v that ECMA-262 does not
// know (\x{…}, octal) at [from, to).
func (s *patternScan) codePoint(from, to int, v rune) {
	if v <= 0xFF {
		spelling := fmt.Sprintf(`\x%02X`, v)
		s.replace(from, to, false, spelling, "write "+spelling+" instead")
		return
	}
	// No escape of a code point above U+00FF is common to both
	// (ECMA-262 writes \u{…}, RE2 \x{…}).
	spelling := regexp.QuoteMeta(string(v))
	s.replace(from, to, false, spelling, fmt.Sprintf("write the character itself instead (%s, U+%04X)", spelling, v))
}

// property reads \pN, \p{Name} or their \P forms at i.
func (s *patternScan) property(i int) int {
	neg := s.at(i+1) == 'P'
	if s.at(i+2) != '{' {
		// \pN: a one-letter category without braces.
		spelling := fmt.Sprintf(`\%c{%c}`, s.at(i+1), s.at(i+2))
		s.replace(i, i+3, false, spelling, "write "+spelling+" instead")
		return i + 3
	}
	end := slices.Index(s.rs[i+2:], '}') + i + 2
	name := string(s.rs[i+3 : end])
	if n, ok := strings.CutPrefix(name, "^"); ok {
		name, neg = n, !neg
	}
	if _, category := unicode.Categories[name]; !category && name != "Any" {
		s.report(i, end+1, false, fmt.Sprintf("ECMA-262 writes a script as \\p{Script=%s}, which RE2 rejects; list the characters or ranges themselves", name))
		return end + 1
	}
	spelling := `\p{` + name + `}`
	if neg {
		spelling = `\P{` + name + `}`
	}
	if spelling != string(s.rs[i:end+1]) {
		s.replace(i, end+1, false, spelling, "write "+spelling+" instead")
	}
	return end + 1
}

// class reads a bracketed class at i.
func (s *patternScan) class(i int) int {
	j := i + 1
	if s.at(j) == '^' {
		j++
	}
	if s.at(j) == ']' {
		s.replace(j, j+1, false, `\]`, `ECMA-262 reads [] as an empty class; escape the ] as \]`)
		j++
	}
	// afterEscape is set after a class escape (\d, [:alpha:], …), after
	// which RE2 takes - literally and ECMA-262 rejects a range.
	afterEscape := false
	for j < len(s.rs) && s.rs[j] != ']' {
		c := s.rs[j]
		switch {
		case c == '-' && afterEscape && s.at(j+1) != ']':
			s.replace(j, j+1, false, `\-`, `ECMA-262 rejects a range from a class such as \d; escape the - as \-`)
			j++
			afterEscape = false
			continue
		case c == '\\':
			next := s.escape(j, true)
			afterEscape = strings.ContainsRune("dDsSwWpP", s.at(j+1))
			j = next
			continue
		case c == '[' && s.at(j+1) == ':':
			if k := slices.Index(s.rs[j+2:], ':'); k >= 0 && s.at(j+2+k+1) == ']' {
				end := j + 2 + k + 2
				name, neg := strings.CutPrefix(string(s.rs[j+2:j+2+k]), "^")
				ranges := posixClasses[name]
				if neg {
					s.report(j, end, false, fmt.Sprintf("write a negated class of %s instead, [^%[1]s]", ranges))
				} else {
					s.replace(j, end, false, ranges, fmt.Sprintf("write %s inside the brackets instead", ranges))
				}
				j, afterEscape = end, true
				continue
			}
		}
		afterEscape = false
		j++
	}
	return j + 1
}

// group reads the opening of a group (? at i.
func (s *patternScan) group(i int) int {
	switch {
	case s.at(i+2) == 'P' && s.at(i+3) == '<':
		end := slices.Index(s.rs[i+4:], '>') + i + 4
		name := string(s.rs[i+4 : end])
		s.replace(i, end+1, false, "(?<"+name+">", fmt.Sprintf("write (?<%s>, which both accept", name))
		s.groupName(i+4, end)
		return end + 1
	case s.at(i+2) == '<':
		end := slices.Index(s.rs[i+3:], '>') + i + 3
		s.groupName(i+3, end)
		return end + 1
	case s.at(i+2) == ':':
		return i + 3
	}
	// Flags: (?i) or (?i:.
	j := i + 2
	for j < len(s.rs) && s.rs[j] != ')' && s.rs[j] != ':' {
		j++
	}
	on, _, _ := strings.Cut(string(s.rs[i+2:j]), "-")
	var fixes []string
	for _, f := range on {
		fixes = append(fixes, map[rune]string{
			'i': "spell out both cases instead, as [Aa] for a",
			's': `write [\d\D] where . must also match a line break`,
			'm': "anchor the whole value with ^ and $ instead (a multi-line ^ and $ has no spelling both accept)",
			'U': "mark the quantifiers that should be lazy with ? (*?, +?, ??) instead",
		}[f])
	}
	if len(fixes) == 0 {
		fixes = []string{"drop it once the flags it turns off are spelled out"}
	}
	s.report(i, j+1, false, strings.Join(fixes, "; "))
	return j + 1
}

// groupName reports a group name [from, to) that ECMA-262 rejects: RE2
// lets one start with a digit.
func (s *patternScan) groupName(from, to int) {
	if from < to && unicode.IsDigit(s.rs[from]) {
		s.report(from, to, false, "a group name must start with a letter or _")
	}
}
