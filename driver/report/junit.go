package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
)

func init() { extraFormats["junit"] = JUnit }

// The element and attribute names follow the JUnit XML schema that
// Jenkins' xunit plugin publishes (testdata/junit-10.xsd, whose source
// testdata/README.md names); GitLab reads the same elements.
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
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit prints a JUnit XML report: one test suite per linted file and one
// test case per finding. A finding at or above in.FailOn (what makes the
// run exit 1) is a <failure> whose type is the severity; one below it is
// a passing case with the finding in <system-out>, which Jenkins shows as
// the case's standard output and GitLab as its system output, so that a
// warning is visible without turning the pipeline red. A file without
// findings gets one passing case, so dashboards count clean files too.
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
	failOn := in.failOn()
	out := junitSuites{Name: "callspec lint"}
	for _, file := range files {
		s := junitSuite{Name: file}
		for _, i := range byFile[file] {
			f := in.Findings[i]
			c := junitCase{Name: fmt.Sprintf("%s at %d:%d", f.Rule, f.Range.Start.Line, f.Range.Start.Col), Classname: file}
			text := fmt.Sprintf("%s:%d:%d: %s: %s [%s]", file, f.Range.Start.Line, f.Range.Start.Col, f.Severity, f.Message, f.Rule)
			if f.Severity >= failOn {
				c.Failure = &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: text}
				s.Failures++
			} else {
				c.SystemOut = text
			}
			s.Cases = append(s.Cases, c)
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
