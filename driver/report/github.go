package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
)

func init() { extraFormats["github"] = GitHub }

// GitHub prints each finding as a GitHub Actions workflow command, which
// the runner turns into an annotation on the file and line:
//
//	::error file=workflows/x.yaml,line=12,col=8,endLine=12,endColumn=14,title=webhook-url::message
//
// Errors are error, warnings warning, and infos notice annotations.
func GitHub(w io.Writer, in Input) error {
	var b strings.Builder
	for _, f := range in.Findings {
		props := []string{"file=" + escapeProperty(f.Range.File)}
		if r := f.Range; r.Start.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("col=%d", max(r.Start.Col, 1)))
			if r.End.Line >= r.Start.Line && (r.End.Line > r.Start.Line || r.End.Col > r.Start.Col) {
				props = append(props, fmt.Sprintf("endLine=%d", r.End.Line), fmt.Sprintf("endColumn=%d", r.End.Col))
			}
		}
		props = append(props, "title="+escapeProperty(f.Rule))
		fmt.Fprintf(&b, "::%s %s::%s\n", githubCommand(f.Severity), strings.Join(props, ","), escapeData(f.Message+" ["+f.Rule+"]"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func githubCommand(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message, as the runner's
// toolkit does: % first, then line breaks.
func escapeData(s string) string { return dataEscaper.Replace(s) }

var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// escapeProperty escapes a property value, which also may not hold the
// separators : and ,.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
