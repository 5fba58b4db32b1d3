package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/internal/version"
	"github.com/callspec/callspec/rules"
)

const specA = `callspec: 1
workflow: {id: a, title: A, goal: Show findings}
webhook:
  url: http://ops.example.com/hook
  secret: env:A_SECRET
handoff:
  - reason: r
    when: |
      fields.notes.contains("50%, maybe")
`

// sample is a fixed set of findings: several files, every severity, a
// range over two lines and a message with characters every format must
// escape.
func sample() Input {
	a := source.NewFile("workflows/a.yaml", []byte(specA))
	at := func(file string, l1, c1, l2, c2 int) source.Range {
		return source.Range{File: file, Start: source.Pos{Line: l1, Col: c1}, End: source.Pos{Line: l2, Col: c2}}
	}
	findings := []diag.Finding{
		{Rule: "next-action", Severity: diag.Error, Range: at("workflows/a.yaml", 2, 1, 2, 9), Message: "the spec has no next_action; add one"},
		{Rule: "webhook-url", Severity: diag.Error, Range: at("workflows/a.yaml", 4, 8, 4, 31), Message: "the webhook URL must use https, not http"},
		{Rule: "cel-cost", Severity: diag.Warning, Range: at("workflows/a.yaml", 9, 14, 9, 19), Message: "notes has no max_length: 50% of <callers> & \"others\",\nsecond line"},
		{Rule: "missing-cta", Severity: diag.Info, Range: at("workflows/dir with space/b.yaml", 1, 1, 3, 2), Message: "the spec has no docs.cta"},
	}
	diag.Sort(findings)
	return Input{
		Findings: findings,
		Files:    map[string]*source.File{a.Path: a},
		Linted:   []string{"workflows/a.yaml", "workflows/c.yaml", "workflows/dir with space/b.yaml"},
	}
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			if err := Write(&out, format, sample()); err != nil {
				t.Fatal(err)
			}
			if format == "sarif" {
				out = *bytes.NewBuffer(withoutRuleMetadata(t, out.Bytes()))
			}
			golden.Check(t, filepath.Join("testdata", format+".golden"), out.Bytes())
			var first, again bytes.Buffer
			_ = Write(&first, format, sample())
			_ = Write(&again, format, sample())
			if !bytes.Equal(first.Bytes(), again.Bytes()) {
				t.Errorf("%s output is not deterministic", format)
			}
		})
	}
}

// withoutRuleMetadata replaces the rules of a SARIF log, which repeat every
// rule's documentation, by their IDs, and the driver's version by
// VERSION, so that the golden file does not change with each doc edit or
// release; TestSARIFContent checks the metadata and the version instead.
func withoutRuleMetadata(t *testing.T, raw []byte) []byte {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	driver := log["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)
	var ids []any
	for _, r := range driver["rules"].([]any) {
		ids = append(ids, r.(map[string]any)["id"])
	}
	driver["rules"] = ids
	driver["version"], driver["semanticVersion"] = "VERSION", "VERSION"
	out, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", sample()); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("err = %v", err)
	}
}

// sarifSchema compiles the official SARIF 2.1.0 schema (testdata/README.md
// says where it comes from).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func sarifOutput(t *testing.T, in Input) (raw []byte, doc any) {
	t.Helper()
	var out bytes.Buffer
	if err := SARIF(&out, in); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, out.String())
	}
	return out.Bytes(), doc
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	for name, in := range map[string]Input{"findings": sample(), "clean": {Linted: []string{"workflows/a.yaml"}}} {
		raw, doc := sarifOutput(t, in)
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s: SARIF output does not validate against the SARIF 2.1.0 schema: %v\n%s", name, err, raw)
		}
	}
	// The check can fail: a result level outside the schema's enum is
	// refused.
	raw, _ := sarifOutput(t, sample())
	broken := bytes.Replace(raw, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(doc) == nil {
		t.Error("the schema accepted a result with level fatal; the validation proves nothing")
	}
}

func TestSARIFContent(t *testing.T) {
	raw, _ := sarifOutput(t, sample())
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Name            string `json:"name"`
					Version         string `json:"version"`
					SemanticVersion string `json:"semanticVersion"`
					Rules           []struct {
						ID               string            `json:"id"`
						ShortDescription map[string]string `json:"shortDescription"`
						Help             map[string]string `json:"help"`
						HelpURI          string            `json:"helpUri"`
						Default          struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" || run.Tool.Driver.Name != "callspec" {
		t.Errorf("columnKind %q, driver %q", run.ColumnKind, run.Tool.Driver.Name)
	}
	if d := run.Tool.Driver; d.Version != version.Version || "v"+d.SemanticVersion != version.Version {
		t.Errorf("driver version %q, semanticVersion %q; want %s", d.Version, d.SemanticVersion, version.Version)
	}
	if len(run.Tool.Driver.Rules) != len(rules.All()) {
		t.Errorf("%d rules in the log, %d registered", len(run.Tool.Driver.Rules), len(rules.All()))
	}
	for _, r := range run.Tool.Driver.Rules {
		reg, ok := rules.Lookup(r.ID)
		wantURI := "https://github.com/callspec/callspec/blob/" + version.DocsRef() + "/docs/RULES.md#" + r.ID
		if !ok || r.ShortDescription["text"] != reg.Summary || r.Help["text"] != reg.Doc || r.Default.Level != sarifLevel(reg.Severity) || r.HelpURI != wantURI {
			t.Errorf("rule %s metadata does not match the registry: %+v", r.ID, r)
		}
	}
	want := sample().Findings
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	for i, res := range run.Results {
		f := want[i]
		if res.RuleID != f.Rule || run.Tool.Driver.Rules[res.RuleIndex].ID != f.Rule || res.Level != sarifLevel(f.Severity) {
			t.Errorf("result %d: %+v for finding %+v", i, res, f)
		}
		reg := res.Locations[0].Physical.Region
		if reg.StartLine != f.Range.Start.Line || reg.StartColumn != f.Range.Start.Col || reg.EndLine != f.Range.End.Line || reg.EndColumn != f.Range.End.Col {
			t.Errorf("result %d region %+v, finding range %+v", i, reg, f.Range)
		}
	}
	if uri := run.Results[len(run.Results)-1].Locations[0].Physical.Artifact.URI; uri != "workflows/dir%20with%20space/b.yaml" {
		t.Errorf("artifact uri %q", uri)
	}
}

func TestGitHubEscaping(t *testing.T) {
	var out bytes.Buffer
	in := Input{Findings: []diag.Finding{{
		Rule: "cel-cost", Severity: diag.Info,
		Range:   source.Range{File: "a,b:c.yaml", Start: source.Pos{Line: 3, Col: 2}, End: source.Pos{Line: 3, Col: 2}},
		Message: "100% sure\r\nreally",
	}}}
	if err := GitHub(&out, in); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=a%2Cb%3Ac.yaml,line=3,col=2,title=cel-cost::100%25 sure%0D%0Areally [cel-cost]\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}

// TestJUnitFailOn: a finding fails its test case from --fail-on up; one
// below it is a passing case that carries the finding in <system-out>.
func TestJUnitFailOn(t *testing.T) {
	for _, c := range []struct {
		failOn               diag.Severity
		failures, systemOuts int
		failingRulesInFileA  []string
	}{
		{diag.Off, 2, 2, []string{"next-action", "webhook-url"}}, // the default: error
		{diag.Error, 2, 2, []string{"next-action", "webhook-url"}},
		{diag.Warning, 3, 1, []string{"next-action", "webhook-url", "cel-cost"}},
		{diag.Info, 4, 0, []string{"next-action", "webhook-url", "cel-cost"}},
	} {
		in := sample()
		in.FailOn = c.failOn
		var out bytes.Buffer
		if err := JUnit(&out, in); err != nil {
			t.Fatal(err)
		}
		var got junitSuites
		if err := xml.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		var failing []string
		systemOuts := 0
		for _, s := range got.Suites {
			for _, tc := range s.Cases {
				if tc.Failure != nil && s.Name == "workflows/a.yaml" {
					failing = append(failing, strings.Fields(tc.Name)[0])
				}
				if tc.SystemOut != "" {
					systemOuts++
					if tc.Failure != nil {
						t.Errorf("fail-on %s: case %s has both a failure and system-out", c.failOn, tc.Name)
					}
				}
			}
		}
		if got.Tests != 5 || got.Failures != c.failures || systemOuts != c.systemOuts || len(got.Suites) != 3 ||
			strings.Join(failing, ",") != strings.Join(c.failingRulesInFileA, ",") {
			t.Errorf("fail-on %s: tests %d failures %d system-outs %d suites %d failing in a.yaml %v; want 5, %d, %d, 3, %v:\n%s",
				c.failOn, got.Tests, got.Failures, systemOuts, len(got.Suites), failing, c.failures, c.systemOuts, c.failingRulesInFileA, out.String())
		}
		if s := got.Suites[1]; s.Name != "workflows/c.yaml" || s.Failures != 0 || len(s.Cases) != 1 || s.Cases[0].Failure != nil {
			t.Errorf("clean file suite %+v", s)
		}
	}
}

func TestTextColour(t *testing.T) {
	in := sample()
	var plain, colour bytes.Buffer
	if err := Text(&plain, in); err != nil {
		t.Fatal(err)
	}
	in.Color = true
	if err := Text(&colour, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("text output without Color holds ANSI escapes")
	}
	if !strings.Contains(colour.String(), ansiRed+"error"+ansiReset) {
		t.Errorf("text output with Color does not colour severities:\n%q", colour.String())
	}
}

// TestSARIFHasNoPlaceholders walks the log: no property may hold a
// negative number (the schema's "unset" -1 of byteOffset, charOffset,
// rank and index), an empty array or an empty object. The one empty
// array SARIF gives a meaning to is run.results of a clean run: the tool
// ran and found nothing (null would say it did not run).
func TestSARIFHasNoPlaceholders(t *testing.T) {
	for name, in := range map[string]Input{"findings": sample(), "clean": {Linted: []string{"workflows/a.yaml"}}} {
		raw, doc := sarifOutput(t, in)
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if len(v) == 0 {
					t.Errorf("%s: %s is an empty object", name, path)
				}
				for k, x := range v {
					walk(path+"."+k, x)
				}
			case []any:
				if len(v) == 0 && !(name == "clean" && path == "$.runs[0].results") {
					t.Errorf("%s: %s is an empty array", name, path)
				}
				for i, x := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case json.Number:
				if strings.HasPrefix(string(v), "-") {
					t.Errorf("%s: %s is %s", name, path, v)
				}
			}
		}
		walk("$", doc)
		if t.Failed() {
			t.Logf("%s", raw)
		}
	}
}

// TestRulesDoc keeps docs/RULES.md, the page RuleHelpURI links to, equal
// to what the registry generates, and checks that every rule has its
// anchor there.
func TestRulesDoc(t *testing.T) {
	var b bytes.Buffer
	if err := RulesMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("..", "..", "docs", "RULES.md"), b.Bytes())
	got := b.Bytes()
	for _, r := range rules.All() {
		if !bytes.Contains(got, []byte("\n## "+string(r.ID)+"\n")) {
			t.Errorf("docs/RULES.md has no section ## %s, so %s leads nowhere", r.ID, RuleHelpURI(string(r.ID)))
		}
	}
}

// TestSARIFBreakingRule checks that a finding of callspec breaking gets
// its rule's metadata from the catalog (without a link into RULES.md,
// which documents lint rules only), and validates.
func TestSARIFBreakingRule(t *testing.T) {
	in := sample()
	in.Findings = append(in.Findings, diag.Finding{Rule: "field-removed", Severity: diag.Error,
		Range: source.PointRange("workflows/a.yaml", source.Pos{Line: 5, Col: 1}), Message: "field \"notes\" was removed"})
	raw, doc := sarifOutput(t, in)
	if err := sarifSchema(t).Validate(doc); err != nil {
		t.Fatalf("SARIF output does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []map[string]any `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	ruleList := log.Runs[0].Tool.Driver.Rules
	last := ruleList[len(ruleList)-1]
	want := "a field of the other version is gone from the events"
	if len(ruleList) != len(rules.All())+1 || last["id"] != "field-removed" || last["shortDescription"].(map[string]any)["text"] != want || last["helpUri"] != nil {
		t.Errorf("breaking rule metadata = %v, want id field-removed, summary %q, no helpUri", last, want)
	}
}
