// Package report prints findings in the formats CI systems read: text for
// people, json for tools, and (see the other files) sarif, github and junit.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
)

// Formats lists the output formats of `callspec lint --format`.
var Formats = []string{"text", "json", "sarif", "github", "junit"}

// Input is what every format prints.
type Input struct {
	Findings []diag.Finding
	// Files gives the source lines for text output, by path.
	Files map[string]*source.File
	// Linted lists every file linted, for formats that report passes too.
	Linted []string
	// Color turns on ANSI colours in text output.
	Color bool
	// FailOn is the severity from which a finding fails the run
	// (--fail-on); Off means the default, Error. junit reports the
	// findings below it as passing test cases.
	FailOn diag.Severity
}

// failOn is in.FailOn with its default.
func (in Input) failOn() diag.Severity {
	if in.FailOn == diag.Off {
		return diag.Error
	}
	return in.FailOn
}

// Write prints in to w in the named format.
func Write(w io.Writer, format string, in Input) error {
	switch format {
	case "text":
		return Text(w, in)
	case "json":
		return JSON(w, in)
	}
	if f, ok := extraFormats[format]; ok {
		return f(w, in)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// extraFormats are registered by the files that implement them.
var extraFormats = map[string]func(io.Writer, Input) error{}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
)

// Text prints each finding as
//
//	file:line:col: severity: message [rule]
//	  <source line>
//	  ^~~~
//
// followed by a summary line.
func Text(w io.Writer, in Input) error {
	paint := func(code, s string) string {
		if !in.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for _, f := range in.Findings {
		sevColor := map[diag.Severity]string{diag.Error: ansiRed, diag.Warning: ansiYellow, diag.Info: ansiCyan}[f.Severity]
		fmt.Fprintf(&b, "%s: %s: %s %s\n",
			paint(ansiBold, fmt.Sprintf("%s:%d:%d", f.Range.File, f.Range.Start.Line, f.Range.Start.Col)),
			paint(sevColor, f.Severity.String()), f.Message, paint(ansiCyan, "["+f.Rule+"]"))
		file := in.Files[f.Range.File]
		if file == nil || f.Range.Start.Line < 1 || f.Range.Start.Line > file.LineCount() {
			continue
		}
		line := file.LineText(f.Range.Start.Line)
		if strings.TrimSpace(line) == "" {
			continue
		}
		fmt.Fprintf(&b, "  %s\n  %s\n", line, paint(ansiGreen, Caret(line, f.Range)))
	}
	s := diag.Summarize(in.Findings)
	if len(in.Findings) > 0 {
		fmt.Fprintf(&b, "\n%s\n", summaryLine(s, len(in.Linted)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Caret underlines the range on its first line: ^ at the start, ~ to the
// end. Tabs before the start are kept so the caret lines up.
func Caret(line string, r source.Range) string {
	var b strings.Builder
	col := 1
	for _, c := range line {
		if col >= r.Start.Col {
			break
		}
		if c == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	b.WriteByte('^')
	end := r.End.Col
	if r.End.Line != r.Start.Line {
		end = utf8.RuneCountInString(line) + 1
	}
	for c := r.Start.Col + 1; c < end; c++ {
		b.WriteByte('~')
	}
	return b.String()
}

// Plural says "1 error" or "2 errors".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func summaryLine(s diag.Summary, files int) string {
	return fmt.Sprintf("%s, %s, %s in %s", Plural(s.Error, "error"), Plural(s.Warning, "warning"), Plural(s.Info, "info"), Plural(files, "file"))
}

type jsonFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
}

// JSON prints {"findings":[…],"summary":{"error":n,"warning":n,"info":n}}.
func JSON(w io.Writer, in Input) error {
	out := struct {
		Findings []jsonFinding `json:"findings"`
		Summary  diag.Summary  `json:"summary"`
	}{Findings: []jsonFinding{}, Summary: diag.Summarize(in.Findings)}
	for _, f := range in.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			Rule: f.Rule, Severity: f.Severity.String(), File: f.Range.File,
			Line: f.Range.Start.Line, Column: f.Range.Start.Col,
			EndLine: f.Range.End.Line, EndColumn: f.Range.End.Col,
			Message: f.Message,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
