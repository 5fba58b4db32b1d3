package catalog_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules/catalog"
	"slices"
)

var kebab = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// TestTable checks what `callspec rules` and `callspec explain` print for
// every rule: a lower-kebab-case ID, a one-line summary, a doc with a bad
// and a good example, and a default severity that is off exactly for the
// rules of STRICT.
func TestTable(t *testing.T) {
	all := append(catalog.Lint(), catalog.Breaking()...)
	for _, r := range all {
		if !kebab.MatchString(string(r.ID)) {
			t.Errorf("%s: an ID is lower-kebab-case", r.ID)
		}
		if r.Summary == "" || strings.HasSuffix(r.Summary, ".") {
			t.Errorf("%s: summary %q must be one line without a final period", r.ID, r.Summary)
		}
		for _, part := range []string{"Bad", "Good"} {
			if !strings.Contains(r.Doc, part) {
				t.Errorf("%s: doc has no %s example", r.ID, part)
			}
		}
		if off := r.Severity == diag.Off; off != (r.Category == catalog.Strict) {
			t.Errorf("%s: default severity %s in category %q; exactly the STRICT rules are off by default", r.ID, r.Severity, r.Category)
		}
		if got, ok := catalog.Lookup(string(r.ID)); !ok || got != r || r.ID.Rule() != r {
			t.Errorf("%s: Lookup and Rule do not return the table's entry", r.ID)
		}
		if r.Breaking() && r.Where != "" {
			t.Errorf("%s: a breaking rule is reported by driver/breaking; Where is for lint rules", r.ID)
		}
	}
	for _, c := range catalog.Categories {
		if len(catalog.InCategory(c.Name)) == 0 {
			t.Errorf("category %s has no rules", c.Name)
		}
		if strings.ToUpper(c.Name) != c.Name {
			t.Errorf("category %s: categories are upper case, so they never look like a rule ID", c.Name)
		}
	}
	if ids := catalog.IDs(); len(ids) != len(all) || !slices.IsSorted(ids[:len(catalog.Lint())]) || !slices.IsSorted(ids[len(catalog.Lint()):]) {
		t.Errorf("%d IDs for %d rules", len(ids), len(all))
	}
	if _, ok := catalog.Lookup("no-such-rule"); ok {
		t.Error("an unknown ID was found")
	}
}

// TestAt checks the one way a finding is made: the rule's ID and default
// severity, and the message.
func TestAt(t *testing.T) {
	f := catalog.CELType.At(diag.Finding{}.Range, "100%% of %s", "x")
	if f.Rule != "cel-type" || f.Severity != diag.Error || f.Message != "100% of x" {
		t.Errorf("At with arguments = %+v", f)
	}
	if f := catalog.UnusedField.At(f.Range, "unused"); f.Rule != "unused-field" || f.Severity != diag.Warning || f.Message != "unused" {
		t.Errorf("At without arguments = %+v", f)
	}
}

// TestDocumented keeps docs/BREAKING.md's table of the rules complete.
func TestDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "BREAKING.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range catalog.Breaking() {
		row := "| " + r.Category + " | `" + string(r.ID) + "` | " + r.Severity.String() + " | "
		if !strings.Contains(string(b), row) {
			t.Errorf("docs/BREAKING.md has no row %q", row)
		}
	}
}

// notRuleIDs are the string literals of the module that spell a rule ID
// but name something else, by file (relative to the module root) and
// literal.
var notRuleIDs = map[string]map[string]string{
	"cmd/callspec/schema.go": {"schema": "the `callspec schema` command"},
	"driver/build/build.go":  {"schema": "the build step that writes the JSON Schemas"},
}

// TestIDsWrittenOnce keeps every rule ID in one place: no string literal
// of the module's non-test Go code (outside generated/ and testdata)
// equals a rule ID except the constant in this package, so that a rule
// is renamed in one line and every layer names it through the constant.
func TestIDsWrittenOnce(t *testing.T) {
	ids := map[string]bool{}
	for _, id := range catalog.IDs() {
		ids[id] = true
	}
	root := filepath.Join("..", "..")
	seen := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch d.Name() {
			case "generated", "testdata", "node_modules":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.Field:
				if n.Tag != nil { // a struct tag names JSON keys, not rules
					ast.Inspect(n.Type, visit)
					return false
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil || !ids[s] || notRuleIDs[rel][s] != "" {
					return true
				}
				seen[s] = append(seen[s], rel+":"+strconv.Itoa(fset.Position(n.Pos()).Line))
			}
			return true
		}
		ast.Inspect(f, visit)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range catalog.IDs() {
		at := seen[id]
		if len(at) != 1 || !strings.HasPrefix(at[0], "rules/catalog/") {
			t.Errorf("rule ID %q is written %d times in non-test code, want once in rules/catalog: %s; use the catalog constant", id, len(at), strings.Join(at, ", "))
		}
	}
}
