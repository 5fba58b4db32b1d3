package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
)

// No maintained pure-Go XSD validator exists (the Go ones bind libxml2
// through cgo), so this file checks callspec's JUnit output against a
// documented subset of testdata/junit-10.xsd, read from the XSD itself:
// which elements exist, which children each may hold, which attributes
// each declares and requires, and whether it may hold text. Not checked:
// occurrence counts, child order and attribute types (SUREFIRE_TIME:
// callspec writes no time). The interop test (interop/, xmllint-wasm)
// validates against the whole schema with libxml2 where Node is present.
type xsdElement struct {
	children  map[string]bool
	attrs     map[string]bool // name → required
	textAllow bool
}

// readJUnitXSD reads the global element declarations of the schema.
func readJUnitXSD(t *testing.T) map[string]*xsdElement {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "junit-10.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	type node struct {
		XMLName  xml.Name
		Attrs    []xml.Attr `xml:",any,attr"`
		Children []node     `xml:",any"`
	}
	var root node
	if err := xml.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	attr := func(n node, name string) string {
		for _, a := range n.Attrs {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	complexTypes := map[string]node{}
	for _, n := range root.Children {
		if n.XMLName.Local == "complexType" {
			complexTypes[attr(n, "name")] = n
		}
	}
	var collect func(e *xsdElement, n node)
	collect = func(e *xsdElement, n node) {
		for _, c := range n.Children {
			switch c.XMLName.Local {
			case "element":
				name := attr(c, "ref")
				if name == "" {
					name = attr(c, "name")
				}
				e.children[name] = true
			case "attribute":
				e.attrs[attr(c, "name")] = attr(c, "use") == "required"
			default: // sequence, choice
				collect(e, c)
			}
		}
	}
	out := map[string]*xsdElement{}
	for _, n := range root.Children {
		if n.XMLName.Local != "element" {
			continue
		}
		e := &xsdElement{children: map[string]bool{}, attrs: map[string]bool{}}
		typ := strings.TrimPrefix(attr(n, "type"), "xs:")
		switch {
		case typ == "string":
			e.textAllow = true
		case typ != "":
			ct, ok := complexTypes[typ]
			if !ok {
				t.Fatalf("junit-10.xsd: element %s has type %s, which this reader does not know", attr(n, "name"), typ)
			}
			e.textAllow = attr(ct, "mixed") == "true"
			collect(e, ct)
		default:
			for _, ct := range n.Children {
				if ct.XMLName.Local == "complexType" {
					e.textAllow = attr(ct, "mixed") == "true"
					collect(e, ct)
				}
			}
		}
		out[attr(n, "name")] = e
	}
	return out
}

// checkJUnitSubset returns the first violation of the subset in doc.
func checkJUnitSubset(schema map[string]*xsdElement, doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			e, ok := schema[name]
			if !ok {
				return fmt.Errorf("element <%s> is not declared", name)
			}
			if len(stack) == 0 && name != "testsuites" && name != "testsuite" {
				return fmt.Errorf("root element <%s>", name)
			}
			if len(stack) > 0 && !schema[stack[len(stack)-1]].children[name] {
				return fmt.Errorf("<%s> may not hold <%s>", stack[len(stack)-1], name)
			}
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				if _, ok := e.attrs[a.Name.Local]; !ok {
					return fmt.Errorf("<%s> has undeclared attribute %s", name, a.Name.Local)
				}
				seen[a.Name.Local] = true
			}
			for a, required := range e.attrs {
				if required && !seen[a] {
					return fmt.Errorf("<%s> lacks required attribute %s", name, a)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !schema[stack[len(stack)-1]].textAllow && strings.TrimSpace(string(tok)) != "" {
				return fmt.Errorf("<%s> may not hold text", stack[len(stack)-1])
			}
		}
	}
	return nil
}

func TestJUnitMatchesSchemaSubset(t *testing.T) {
	schema := readJUnitXSD(t)
	for _, name := range []string{"testsuites", "testsuite", "testcase", "failure", "system-out"} {
		if schema[name] == nil {
			t.Fatalf("junit-10.xsd declares no <%s>: the reader is broken", name)
		}
	}
	for _, failOn := range []diag.Severity{diag.Error, diag.Warning, diag.Info} {
		in := sample()
		in.FailOn = failOn
		var out bytes.Buffer
		if err := JUnit(&out, in); err != nil {
			t.Fatal(err)
		}
		if err := checkJUnitSubset(schema, out.Bytes()); err != nil {
			t.Errorf("fail-on %s: %v\n%s", failOn, err, out.String())
		}
	}
	// The check can fail: a testcase without its required name, an
	// attribute the schema does not declare, and a property inside a
	// testcase (the schema allows properties on suites only) are refused.
	golden, err := os.ReadFile(filepath.Join("testdata", "junit.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, broken := range [][]byte{
		bytes.Replace(golden, []byte(`<testcase name="lint" `), []byte(`<testcase `), 1),
		bytes.Replace(golden, []byte(`<testcase name="lint" `), []byte(`<testcase name="lint" severity="info" `), 1),
		bytes.Replace(golden, []byte(`classname="workflows/c.yaml"></testcase>`), []byte(`classname="workflows/c.yaml"><property name="a" value="b"/></testcase>`), 1),
	} {
		if slices.Equal(broken, golden) {
			t.Fatal("the broken document equals the golden file: the replacement did not apply")
		}
		if checkJUnitSubset(schema, broken) == nil {
			t.Errorf("the subset check accepted:\n%s", broken)
		}
	}
}
