package catalog_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/breaking/catalog"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules"
)

var kebab = regexp.MustCompile(`^[a-z]+(-[a-z]+)+$`)

// TestTable checks what `callspec rules` and `callspec explain` print for
// the breaking rules, and that no ID can be mistaken for a lint rule's, so
// that callspec.yaml and `# callspec:ignore` mean one rule by each name.
func TestTable(t *testing.T) {
	for _, r := range catalog.Rules {
		if !kebab.MatchString(r.ID) {
			t.Errorf("%s: an ID is lower-kebab-case, like the lint rules'", r.ID)
		}
		if _, clash := rules.Lookup(r.ID); clash {
			t.Errorf("%s is also a lint rule", r.ID)
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
			t.Errorf("%s: default severity %s in category %s; exactly the STRICT rules are off by default", r.ID, r.Severity, r.Category)
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
	if ids := catalog.IDs(); len(ids) != len(catalog.Rules) {
		t.Errorf("%d IDs for %d rules", len(ids), len(catalog.Rules))
	}
}

// TestDocumented keeps docs/BREAKING.md's table of the rules complete.
func TestDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "BREAKING.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range catalog.Rules {
		row := "| " + r.Category + " | `" + r.ID + "` | " + r.Severity.String() + " | "
		if !strings.Contains(string(b), row) {
			t.Errorf("docs/BREAKING.md has no row %q", row)
		}
	}
}
