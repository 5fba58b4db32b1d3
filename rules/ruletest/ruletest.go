// Package ruletest checks quality-gate rules against specs annotated with
// the findings they must produce, in the style of
// golang.org/x/tools/go/analysis/analysistest.
//
// Every spec in a test directory is linted in one run of driver/lint, so
// suppressions, callspec.yaml severities and rules over several files
// behave as in production. Each expected finding is a YAML comment:
//
//	url: http://example.com/hook   # want webhook-url
//	targets: [a, b]                # want schema schema
//	when: |                        # want+2 cel-cost
//	  has(fields.notes) &&
//	  fields.notes.contains("x")
//
// `# want RULE…` expects one finding per listed rule ID whose range starts
// on that line; `# want+N RULE…` expects them N lines below, for lines that
// cannot hold a comment (inside a block scalar). RULE:COL also pins the
// column. A Go string literal after a rule ID ("…" or `…`) is a regular
// expression the finding's message must match, as in analysistest:
//
//	type: bool   # want field-type:11 `unknown type "bool"; did you mean "boolean"\?`
//
// The test fails on every expected finding that is missing and on
// every finding that is not expected, so a rule that reports on the wrong
// line fails twice; the message says where the finding went instead.
package ruletest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/rules"
)

// TB is the part of testing.TB the harness uses, so that its own tests can
// observe failures.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Want is one expected finding.
type Want struct {
	File string
	Line int
	// Col is 0 when the comment does not pin the column.
	Col  int
	Rule string
	// Message, when set, must match the finding's message.
	Message *regexp.Regexp
	// At is where the comment stands, for messages.
	At string
}

// Result is what a run found.
type Result struct {
	Findings []diag.Finding
	// Fired holds the rule IDs that reported at least once.
	Fired map[string]bool
}

// wantComment matches a `# want` comment: a # at the start of the line or
// after white space, then want, an optional +N, and the rule IDs.
var wantComment = regexp.MustCompile(`(?:^|\s)#\s*want(\+\d+)?((?:\s+\S+)+)\s*$`)

var ruleWithCol = regexp.MustCompile(`^([a-z][a-z0-9-]*)(?::(\d+))?$`)

// Run lints the specs in dir with default options and checks the findings
// against the # want comments.
func Run(t TB, dir string) *Result {
	t.Helper()
	return RunWith(t, dir, lint.Options{})
}

// RunWith is Run with lint options (a configuration, say).
func RunWith(t TB, dir string, opts lint.Options) *Result {
	t.Helper()
	files, err := lint.ExpandPaths([]string{dir})
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	if len(files) == 0 {
		t.Fatalf("%s holds no specs", dir)
		return nil
	}
	var wants []Want
	for _, f := range files {
		w, err := ParseWants(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		wants = append(wants, w...)
	}
	res, err := lint.RunFiles(files, opts)
	if err != nil {
		t.Fatalf("lint %s: %v", dir, err)
		return nil
	}
	Compare(t, wants, res.Findings)
	out := &Result{Findings: res.Findings, Fired: map[string]bool{}}
	for _, f := range res.Findings {
		out.Fired[f.Rule] = true
	}
	return out
}

// ParseWants reads the # want comments of one spec file.
func ParseWants(path string) ([]Want, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	known := rules.IDs()
	var out []Want
	var problems []string
	for i, line := range strings.Split(string(b), "\n") {
		m := wantComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at := fmt.Sprintf("%s:%d", path, i+1)
		target := i + 1
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1][1:])
			target += n
		}
		toks, err := wantTokens(m[2])
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", at, err))
			continue
		}
		ruleAt := -1 // index in out of the last rule of this comment
		for _, tok := range toks {
			if tok[0] == '"' || tok[0] == '`' {
				pat, _ := strconv.Unquote(tok) // wantTokens checked the quoting
				re, err := regexp.Compile(pat)
				switch {
				case ruleAt < 0 || out[ruleAt].Message != nil:
					problems = append(problems, fmt.Sprintf("%s: # want has the message %s without a rule ID before it", at, tok))
				case err != nil:
					problems = append(problems, fmt.Sprintf("%s: # want message %s is not a valid regular expression: %v", at, tok, err))
				default:
					out[ruleAt].Message = re
				}
				continue
			}
			rm := ruleWithCol.FindStringSubmatch(tok)
			if rm == nil || !slices.Contains(known, rm[1]) {
				problems = append(problems, fmt.Sprintf("%s: # want names %q, which is not a rule ID (write explanations on a separate comment line)", at, tok))
				ruleAt = -1
				continue
			}
			col := 0
			if rm[2] != "" {
				col, _ = strconv.Atoi(rm[2])
			}
			out = append(out, Want{File: path, Line: target, Col: col, Rule: rm[1], At: at})
			ruleAt = len(out) - 1
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// wantTokens splits the rest of a # want comment into rule IDs and Go
// string literals, which may hold spaces.
func wantTokens(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out, nil
		}
		if s[0] == '"' || s[0] == '`' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("# want has an unterminated or invalid string literal at %.20q", s)
			}
			out = append(out, q)
			s = s[len(q):]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
}

// matches reports whether f is the finding w expects.
func (w Want) matches(f diag.Finding) bool {
	return filepath.Clean(w.File) == filepath.Clean(f.Range.File) && w.Line == f.Range.Start.Line && w.Rule == f.Rule &&
		(w.Col == 0 || w.Col == f.Range.Start.Col) && (w.Message == nil || w.Message.MatchString(f.Message))
}

// Compare reports every want without a finding and every finding without a
// want.
func Compare(t TB, wants []Want, findings []diag.Finding) {
	t.Helper()
	used := make([]bool, len(wants))
	var extra []diag.Finding
	for _, f := range findings {
		match := -1
		for i, w := range wants {
			if !used[i] && w.matches(f) {
				match = i
				break
			}
		}
		if match < 0 {
			extra = append(extra, f)
			continue
		}
		used[match] = true
	}
	for i, w := range wants {
		if used[i] {
			continue
		}
		where := ""
		for _, f := range extra {
			if filepath.Clean(f.Range.File) == filepath.Clean(w.File) && f.Rule == w.Rule {
				where = fmt.Sprintf(" (it reported at %d:%d instead)", f.Range.Start.Line, f.Range.Start.Col)
				if w.Message != nil && f.Range.Start.Line == w.Line {
					where = fmt.Sprintf(" (it reported at %d:%d with the message %q)", f.Range.Start.Line, f.Range.Start.Col, f.Message)
				}
				break
			}
		}
		col := ""
		if w.Col != 0 {
			col = fmt.Sprintf(":%d", w.Col)
		}
		msg := ""
		if w.Message != nil {
			msg = fmt.Sprintf(" matching %q", w.Message)
		}
		t.Errorf("%s: missing finding: want %s at line %d%s%s%s", w.At, w.Rule, w.Line, col, msg, where)
	}
	for _, f := range extra {
		t.Errorf("%s:%d:%d: unexpected finding [%s] %s", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Rule, f.Message)
	}
}
