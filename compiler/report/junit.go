package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
)

func init() { extraFormats["junit"] = JUnit }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit prints a JUnit XML report: one test suite per linted file, one
// failing test case per finding (its type is the severity), and one
// passing case for a file without findings, so CI dashboards count clean
// files too.
func JUnit(w io.Writer, in Input) error {
	files := slices.Clone(in.Linted)
	byFile := map[string][]int{}
	for i, f := range in.Findings {
		if _, seen := byFile[f.Range.File]; !seen && !slices.Contains(files, f.Range.File) {
			files = append(files, f.Range.File)
		}
		byFile[f.Range.File] = append(byFile[f.Range.File], i)
	}
	slices.Sort(files)
	out := junitSuites{Name: "callspec lint"}
	for _, file := range files {
		s := junitSuite{Name: file}
		for _, i := range byFile[file] {
			f := in.Findings[i]
			s.Cases = append(s.Cases, junitCase{
				Name:      fmt.Sprintf("%s at %d:%d", f.Rule, f.Range.Start.Line, f.Range.Start.Col),
				Classname: file,
				Failure: &junitFailure{
					Message: f.Message,
					Type:    f.Severity.String(),
					Text:    fmt.Sprintf("%s:%d:%d: %s: %s [%s]", file, f.Range.Start.Line, f.Range.Start.Col, f.Severity, f.Message, f.Rule),
				},
			})
			s.Failures++
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: "lint", Classname: file})
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
