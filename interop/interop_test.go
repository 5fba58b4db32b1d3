// Package interop checks callspec's output with validators that are not
// written in Go, as consumers run them: Ajv (Node, JSON Schema 2020-12 in
// strict mode), Python's jsonschema, and libxml2 (xmllint-wasm) on the
// JUnit XSD; and against the vendors' own code (vendors_test.go,
// sdktypes_test.go): retell-sdk and standardwebhooks sign what the
// handler accepts and verify what callspec sends and forwards, and tsc
// type-checks every emitted Retell and Vapi body against the request
// types of retell-sdk and @vapi-ai/server-sdk. The Node packages are
// pinned in package-lock.json and
// installed by `npm ci` (.ci/run does it); each test skips with a message
// where its tool is missing.
package interop

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/driver/report"
)

// schemaFiles are every JSON Schema callspec ships: the event schemas
// under generated/ and the schema of the spec format.
func schemaFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "generated", "*", "*.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d schemas under generated/; run `go run ./cmd/callspec build`", len(files))
	}
	return append(files, filepath.Join("..", "schema", "callspec.schema.json"))
}

// withExtension is a schema with an unknown keyword, which strict
// validators refuse: each check must fail on it, or it proves nothing.
func withExtension(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x-pii.schema.json")
	doc := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
  "properties": {"name": {"type": "string", "x-pii": true}}}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// RequiredEnv, set to 1, makes a missing Node or package fail the
// interop tests instead of skipping them: .ci/run sets it once `npm ci`
// has installed the packages, so CI cannot pass without running them.
const RequiredEnv = "CALLSPEC_INTEROP_REQUIRED"

// requireNode returns the node binary when it and the packages pkgs
// (under node_modules) are installed; otherwise it skips the test, saying
// that what is skipped, or fails it under RequiredEnv.
func requireNode(t *testing.T, what string, pkgs ...string) string {
	t.Helper()
	missing := func(reason string) {
		t.Helper()
		if os.Getenv(RequiredEnv) == "1" {
			t.Fatalf("%s, and %s=1 requires %s", reason, RequiredEnv, what)
		}
		t.Skipf("%s; %s is skipped", reason, what)
	}
	bin, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join("node_modules", filepath.FromSlash(pkg), "package.json")); err != nil {
			missing(fmt.Sprintf("interop/node_modules/%s is missing (run `npm ci --prefix interop`, as .ci/run does)", pkg))
		}
	}
	return bin
}

// node runs check.js or skips when Node or the packages are missing.
func node(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := requireNode(t, "the Ajv and xmllint check", "ajv", "ajv-formats", "xmllint-wasm")
	out, err := exec.Command(bin, append([]string{"check.js"}, args...)...).CombinedOutput()
	return string(out), err
}

func TestAjvStrictCompilesEverySchema(t *testing.T) {
	if out, err := node(t, append([]string{"schemas"}, schemaFiles(t)...)...); err != nil {
		t.Errorf("Ajv 2020 (default options, strict) refuses a schema: %v\n%s", err, out)
	}
	out, err := node(t, "schemas", withExtension(t))
	if err == nil || !strings.Contains(out, `unknown keyword: "x-pii"`) {
		t.Errorf("Ajv accepted a schema with x-pii (%v): strict mode is off, so the check proves nothing\n%s", err, out)
	}
}

func TestSanthoshCompilesEverySchema(t *testing.T) {
	for _, file := range schemaFiles(t) {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if _, err := c.Compile(file); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// TestPythonJSONSchema checks every schema against the 2020-12 meta-schema
// with Python's jsonschema (Draft202012Validator.check_schema), the
// validator Python consumers use.
func TestPythonJSONSchema(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the Python jsonschema check is skipped")
	}
	if out, err := exec.Command(py, "-c", "import jsonschema").CombinedOutput(); err != nil {
		t.Skipf("Python's jsonschema is not installed (apt-get install python3-jsonschema); the check is skipped: %s", bytes.TrimSpace(out))
	}
	const prog = `
import json, sys
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        print(f"{path}: {e.message}")
        bad += 1
sys.exit(1 if bad else 0)
`
	if out, err := exec.Command(py, append([]string{"-c", prog}, schemaFiles(t)...)...).CombinedOutput(); err != nil {
		t.Errorf("Python jsonschema refuses a schema: %v\n%s", err, out)
	}
	// The check can fail: a type that is not a type name is refused.
	broken := filepath.Join(t.TempDir(), "broken.schema.json")
	if err := os.WriteFile(broken, []byte(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "text"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(py, "-c", prog, broken).CombinedOutput(); err == nil {
		t.Errorf("Python jsonschema accepted type \"text\"; the check proves nothing\n%s", out)
	}
}

// TestJUnitValidatesAgainstXSD validates callspec's JUnit reports, with
// findings below and at --fail-on, against Jenkins' junit-10.xsd with
// libxml2.
func TestJUnitValidatesAgainstXSD(t *testing.T) {
	xsd := filepath.Join("..", "driver", "report", "testdata", "junit-10.xsd")
	at := func(l, c int) source.Range {
		return source.Range{File: "workflows/a.yaml", Start: source.Pos{Line: l, Col: c}, End: source.Pos{Line: l, Col: c + 3}}
	}
	in := report.Input{
		Findings: []diag.Finding{
			{Rule: "webhook-url", Severity: diag.Error, Range: at(4, 8), Message: "the webhook URL must use https, not http"},
			{Rule: "missing-cta", Severity: diag.Warning, Range: at(9, 1), Message: `a <cta> & "quotes",` + "\nsecond line"},
			{Rule: "cel-cost", Severity: diag.Info, Range: at(12, 3), Message: "costly"},
		},
		Linted: []string{"workflows/a.yaml", "workflows/clean.yaml"},
	}
	dir := t.TempDir()
	var files []string
	for _, failOn := range []diag.Severity{diag.Error, diag.Warning, diag.Info} {
		in.FailOn = failOn
		var b bytes.Buffer
		if err := report.JUnit(&b, in); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "junit-"+failOn.String()+".xml")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	if out, err := node(t, append([]string{"junit", xsd}, files...)...); err != nil {
		t.Errorf("libxml2 finds the JUnit report invalid: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(files[0])
	broken := filepath.Join(dir, "broken.xml")
	os.WriteFile(broken, bytes.Replace(raw, []byte(`<testcase name="lint" `), []byte(`<testcase `), 1), 0o644)
	if out, err := node(t, "junit", xsd, broken); err == nil || !strings.Contains(out, "'name' is required") {
		t.Errorf("libxml2 accepted a testcase without a name (%v); the check proves nothing\n%s", err, out)
	}
}
