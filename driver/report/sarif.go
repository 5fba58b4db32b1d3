package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/internal/version"
	"github.com/callspec/callspec/rules/catalog"
)

func init() { extraFormats["sarif"] = SARIF }

// ToolInformationURI is where SARIF viewers send readers for the tool.
const ToolInformationURI = "https://github.com/callspec/callspec"

// RuleHelpURI is the documentation of a rule: its section of
// docs/RULES.md at the release this build is (main between releases).
// The section's anchor is the rule ID (RulesMarkdown writes one heading
// per rule).
func RuleHelpURI(id string) string {
	return ToolInformationURI + "/blob/" + version.DocsRef() + "/docs/RULES.md#" + id
}

// sarifSchemaURI is the published id of the SARIF 2.1.0 schema (errata 01).
const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// The SARIF 2.1.0 objects callspec writes, with only the properties it
// sets: a property left out means the spec's default, where go-sarif's
// types printed schema sentinels (byteOffset -1, rank -1, index -1) and
// empty arrays for every property it knows.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"` // [] when clean: the tool ran and found nothing
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version"`
		SemanticVersion string      `json:"semanticVersion"`
		InformationURI  string      `json:"informationUri"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name,omitempty"`
		ShortDescription     *sarifText         `json:"shortDescription,omitempty"`
		FullDescription      *sarifText         `json:"fullDescription,omitempty"`
		Help                 *sarifText         `json:"help,omitempty"`
		HelpURI              string             `json:"helpUri,omitempty"`
		DefaultConfiguration *sarifRuleDefaults `json:"defaultConfiguration,omitempty"`
	}
	sarifText struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifRuleDefaults struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *sarifRegion `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
)

// sarifRuleOf is the SARIF metadata of a catalog rule. Only lint rules
// have a section of their own in docs/RULES.md to link to.
func sarifRuleOf(r *catalog.Rule) sarifRule {
	id := string(r.ID)
	rule := sarifRule{
		ID:                   id,
		Name:                 ruleName(id),
		ShortDescription:     &sarifText{Text: r.Summary},
		FullDescription:      &sarifText{Text: r.Summary},
		Help:                 &sarifText{Text: r.Doc, Markdown: r.Doc},
		DefaultConfiguration: &sarifRuleDefaults{Level: sarifLevel(r.Severity)},
	}
	if !r.Breaking() {
		rule.HelpURI = RuleHelpURI(id)
	}
	return rule
}

// SARIF prints a SARIF 2.1.0 log with one run: every rule with its summary,
// documentation, help URI and default level, and one result per finding.
// Columns count Unicode code points, as callspec's do (run.columnKind says
// so). The log holds no timestamps or absolute paths, so the same findings
// from the same callspec always print the same bytes.
func SARIF(w io.Writer, in Input) error {
	driver := sarifDriver{
		Name:            "callspec",
		Version:         version.Version,
		SemanticVersion: strings.TrimPrefix(version.Version, "v"),
		InformationURI:  ToolInformationURI,
		Rules:           []sarifRule{},
	}
	index := map[string]int{}
	for _, r := range catalog.Lint() {
		index[string(r.ID)] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleOf(r))
	}
	run := sarifRun{ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	for _, f := range in.Findings {
		i, ok := index[f.Rule]
		if !ok { // a rule of callspec breaking, listed once it is used
			i = len(driver.Rules)
			index[f.Rule] = i
			rule := sarifRule{ID: f.Rule}
			if r, ok := catalog.Lookup(f.Rule); ok {
				rule = sarifRuleOf(r)
			}
			driver.Rules = append(driver.Rules, rule)
		}
		var loc sarifPhysicalLocation
		loc.ArtifactLocation.URI = artifactURI(f.Range.File)
		if r := f.Range; r.Start.Line > 0 {
			loc.Region = &sarifRegion{StartLine: r.Start.Line, StartColumn: max(r.Start.Col, 1)}
			if r.End.Line >= r.Start.Line && r.End.Col > 0 && (r.End.Line > r.Start.Line || r.End.Col > r.Start.Col) {
				loc.Region.EndLine, loc.Region.EndColumn = r.End.Line, r.End.Col
			}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: loc}},
		})
	}
	run.Tool.Driver = driver
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
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
