package lint

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

// SuppressionMarker starts a suppression comment:
//
//	# callspec:ignore RULE[,RULE…] reason
//
// It silences the named rules on its own line and, when the comment stands
// alone on its line, on the next line.
const SuppressionMarker = "callspec:ignore"

type suppressions struct {
	// byLine maps a line to the suppressions that silence rules on it.
	byLine  map[int][]*suppression
	all     []*suppression
	unknown []diag.Finding
	// unchecked is set when no rule ran on the file (it did not load as
	// a spec), so no suppression could have matched anything.
	unchecked bool
}

// suppression is one rule ID of a callspec:ignore comment.
type suppression struct {
	rule string
	at   source.Range // the rule ID in the comment
	used bool
	// standalone is true when the comment has its line to itself, so it
	// also covers the next line.
	standalone bool
}

// suppresses reports whether f is silenced, and marks the suppression
// that silences it as used.
func (s *suppressions) suppresses(f diag.Finding) bool {
	for _, sup := range s.byLine[f.Range.Start.Line] {
		if sup.rule == f.Rule {
			sup.used = true
			return true
		}
	}
	return false
}

// Suppressions are the `# callspec:ignore` comments of one spec file, for
// a command other than lint that reports findings of its own rules in the
// same files (callspec breaking): the same comments silence them.
type Suppressions struct{ s *suppressions }

// ReadSuppressions reads the suppression comments of f, whose syntax tree
// is s. A nil s means the file did not load, so no rule ran on it and none
// of its comments is reported as matching nothing.
func ReadSuppressions(f *source.File, s *spec.Spec) *Suppressions {
	var text []lineSpan
	if s != nil && strings.Contains(string(f.Content), SuppressionMarker) {
		text = multiLineScalars(s)
	}
	sup := parseSuppressions(f, text)
	sup.unchecked = s == nil
	return &Suppressions{sup}
}

// Finish does to the findings of another command what lint does to its
// own: the comments in sups (by file path) silence findings on their
// lines, cfg sets severities (a rule's entry, or its category's) and drops
// the rules that are off, the suppressions of the command's own rules
// (owns) that silenced nothing are reported, and the result is sorted.
// Comments naming unknown rules are lint's to report, unless owns accepts
// unknown-suppression.
func Finish(findings []diag.Finding, sups map[string]*Suppressions, cfg *Config, owns func(rule string) bool) []diag.Finding {
	m := make(map[string]*suppressions, len(sups))
	for path, s := range sups {
		m[path] = s.s
	}
	return finishFindings(findings, m, cfg, owns)
}

// lineSpan is a range of lines, inclusive.
type lineSpan struct{ first, last int }

// multiLineScalars returns the lines that continue a block or quoted scalar
// over several lines: there a # is text, not a comment.
func multiLineScalars(s *spec.Spec) []lineSpan {
	var out []lineSpan
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			r := s.File.NodeRange(n)
			if r.End.Line > n.Line {
				out = append(out, lineSpan{n.Line + 1, r.End.Line})
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(s.Node)
	return out
}

func inSpans(spans []lineSpan, line int) bool {
	for _, sp := range spans {
		if line >= sp.first && line <= sp.last {
			return true
		}
	}
	return false
}

// parseSuppressions reads the suppression comments of f; lines in text
// spans the comments cannot stand in.
func parseSuppressions(f *source.File, text []lineSpan) *suppressions {
	s := &suppressions{byLine: map[int][]*suppression{}}
	if !strings.Contains(string(f.Content), SuppressionMarker) {
		return s
	}
	for n := 1; n <= f.LineCount(); n++ {
		if inSpans(text, n) {
			continue
		}
		line := f.LineText(n)
		hash := commentStart(line)
		if hash < 0 {
			continue
		}
		comment := strings.TrimSpace(line[hash+1:])
		rest, ok := strings.CutPrefix(comment, SuppressionMarker)
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			col := utf8.RuneCountInString(line[:hash]) + 1
			s.unknown = append(s.unknown, catalog.UnknownSuppression.At(
				source.Range{File: f.Path, Start: source.Pos{Line: n, Col: col}, End: source.Pos{Line: n, Col: utf8.RuneCountInString(line) + 1}},
				"callspec:ignore needs a rule ID and a reason, e.g. `# callspec:ignore missing-cta internal workflow`"))
			continue
		}
		ruleStart := strings.Index(line[hash:], fields[0]) + hash
		standalone := strings.TrimSpace(line[:hash]) == ""
		if len(fields) < 2 {
			col := utf8.RuneCountInString(line[:hash]) + 1
			s.unknown = append(s.unknown, catalog.UnknownSuppression.At(
				source.Range{File: f.Path, Start: source.Pos{Line: n, Col: col}, End: source.Pos{Line: n, Col: utf8.RuneCountInString(line) + 1}},
				"%s", "callspec:ignore "+fields[0]+" gives no reason; say why the finding does not apply, e.g. `# callspec:ignore "+fields[0]+" internal workflow with no public page`"))
		}
		for _, id := range strings.Split(fields[0], ",") {
			if id == "" {
				continue
			}
			if !knownRule(id) {
				col := utf8.RuneCountInString(line[:ruleStart]) + 1
				msg := "callspec:ignore names unknown rule " + quote(id)
				if best := diag.Nearest(id, knownRuleIDs()); best != "" {
					msg += "; did you mean " + quote(best) + "?"
				} else {
					msg += "; `callspec rules` lists the rule IDs"
				}
				s.unknown = append(s.unknown, catalog.UnknownSuppression.At(
					source.Range{File: f.Path, Start: source.Pos{Line: n, Col: col}, End: source.Pos{Line: n, Col: col + utf8.RuneCountInString(fields[0])}}, "%s", msg))
				continue
			}
			idStart := strings.Index(line[ruleStart:], id) + ruleStart
			col := utf8.RuneCountInString(line[:idStart]) + 1
			sup := &suppression{rule: id, at: source.Range{File: f.Path, Start: source.Pos{Line: n, Col: col}, End: source.Pos{Line: n, Col: col + utf8.RuneCountInString(id)}}, standalone: standalone}
			s.all = append(s.all, sup)
			s.byLine[n] = append(s.byLine[n], sup)
			if standalone {
				s.byLine[n+1] = append(s.byLine[n+1], sup)
			}
		}
	}
	return s
}

func quote(s string) string { return "\"" + s + "\"" }

// knownRule reports whether a suppression or callspec.yaml may name id: a
// lint rule, or a rule of callspec breaking, whose findings are in the
// same files and are silenced by the same comments.
func knownRule(id string) bool {
	_, ok := catalog.Lookup(id)
	return ok
}

// knownRuleIDs lists every ID knownRule accepts, for did-you-mean.
func knownRuleIDs() []string { return catalog.IDs() }

// isLintRule reports whether lint itself reports rule.
func isLintRule(rule string) bool {
	r, ok := catalog.Lookup(rule)
	return ok && !r.Breaking()
}

// commentStart returns the byte index of the # that starts a YAML comment
// on line, or -1. A # starts a comment at the line start or after white
// space, outside quotes.
func commentStart(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || line[i-1] == ' ' || line[i-1] == ':' || line[i-1] == '[' || line[i-1] == '{' || line[i-1] == ',' {
				quote = c
			}
		case c == '#':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return i
			}
		}
	}
	return -1
}
