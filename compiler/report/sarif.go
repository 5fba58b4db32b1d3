package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules"
)

func init() { extraFormats["sarif"] = SARIF }

// ToolInformationURI is where SARIF viewers send readers for the tool.
const ToolInformationURI = "https://github.com/callspec/callspec"

// SARIF prints a SARIF 2.1.0 log with one run: every rule with its summary,
// documentation and default level, and one result per finding. Columns
// count Unicode code points, as callspec's do (run.columnKind says so).
// The log holds no timestamps, versions or absolute paths, so the same
// findings always print the same bytes.
func SARIF(w io.Writer, in Input) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("callspec", ToolInformationURI)
	run.WithColumnKind("unicodeCodePoints")
	for _, r := range rules.All() {
		run.AddRule(r.ID).
			WithName(ruleName(r.ID)).
			WithDescription(r.Summary).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Summary)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(r.Doc).WithMarkdown(r.Doc)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))
	}
	for _, f := range in.Findings {
		if run.GetRuleIndex(f.Rule) < 0 {
			run.AddRule(f.Rule) // a rule outside the registry still gets metadata
		}
		loc := sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewArtifactLocation().WithURI(artifactURI(f.Range.File)))
		if r := f.Range; r.Start.Line > 0 {
			region := sarif.NewRegion().WithStartLine(r.Start.Line).WithStartColumn(max(r.Start.Col, 1))
			if r.End.Line >= r.Start.Line && r.End.Col > 0 && (r.End.Line > r.Start.Line || r.End.Col > r.Start.Col) {
				region.WithEndLine(r.End.Line).WithEndColumn(r.End.Col)
			}
			loc.WithRegion(region)
		}
		run.CreateResultForRule(f.Rule).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	case diag.Info:
		return "note"
	}
	return "none"
}

// ruleName turns missing-cta into MissingCta, the identifier-like name
// SARIF viewers show next to the ID.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// artifactURI is a file path as a URI reference: relative paths stay
// relative (to the directory lint ran in), with forward slashes and
// percent-encoding where a URI needs it.
func artifactURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x → /C:/x
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}
