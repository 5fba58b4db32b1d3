// Package diag defines findings: the user mistakes that lint reports, each
// with a rule ID, a severity, a message and the exact range it is about.
// Findings are data, never Go errors.
package diag

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/callspec/callspec/compiler/source"
)

// Severity orders findings; a higher value is more serious.
type Severity int

const (
	// Off disables a rule (only in configuration).
	Off Severity = iota
	Info
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity reads a severity as written in callspec.yaml or --fail-on.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	case "off":
		return Off, nil
	}
	return Off, fmt.Errorf("unknown severity %q: use error, warning, info or off", s)
}

// Finding is one problem in one file.
type Finding struct {
	Rule     string
	Severity Severity
	Range    source.Range
	Message  string
}

// Sort orders findings by file, line, column, rule, then message, which is
// the order every output format uses.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, Compare)
}

// Compare is the order of Sort.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Range.File, b.Range.File),
		cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
		cmp.Compare(a.Range.Start.Col, b.Range.Start.Col),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
	)
}

// Summary counts findings per severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Summarize counts fs.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case Error:
			s.Error++
		case Warning:
			s.Warning++
		case Info:
			s.Info++
		}
	}
	return s
}

// Collector gathers findings for one file.
type Collector struct {
	Findings []Finding
}

// Add records f, as a rule's catalog entry makes it
// (catalog.Schema.At(r, format, args...)).
func (c *Collector) Add(f Finding) {
	c.Findings = append(c.Findings, f)
}
