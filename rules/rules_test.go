package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/rules"
	"github.com/callspec/callspec/rules/ruletest"
)

// ruleDirs lists the directories under testdata, one per rule.
func ruleDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// TestRules checks every rule's testdata against its # want comments.
// Each directory is one lint run, so rules over several files see each
// other's specs.
func TestRules(t *testing.T) {
	for _, dir := range ruleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			ruletest.Run(t, filepath.Join("testdata", dir))
		})
	}
}

// TestEveryRuleFires makes sure no rule is dead: each registered rule
// reports at least once across all testdata, and each has a testdata
// directory named after it.
func TestEveryRuleFires(t *testing.T) {
	fired := map[string]bool{}
	dirs := ruleDirs(t)
	for _, dir := range dirs {
		res := ruletest.Run(t, filepath.Join("testdata", dir))
		if res == nil {
			continue
		}
		for id := range res.Fired {
			fired[id] = true
		}
	}
	for _, id := range rules.IDs() {
		if !fired[id] {
			t.Errorf("rule %s never fires in testdata", id)
		}
		if !slices.Contains(dirs, id) {
			t.Errorf("rule %s has no testdata/%s directory", id, id)
		}
	}
	for _, dir := range dirs {
		if _, ok := rules.Lookup(dir); !ok {
			t.Errorf("testdata/%s is named after no rule", dir)
		}
	}
}

// TestWorkflowsLintClean lints the example specs with the default
// configuration: they must produce no finding at all, not even a warning.
func TestWorkflowsLintClean(t *testing.T) {
	res, err := lint.Run([]string{filepath.Join("..", "workflows")}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) < 5 {
		t.Fatalf("only %d workflows linted", len(res.Units))
	}
	for _, f := range res.Findings {
		t.Errorf("%s:%d:%d: %s: %s [%s]", f.Range.File, f.Range.Start.Line, f.Range.Start.Col, f.Severity, f.Message, f.Rule)
	}
}

// TestRuleDocs checks what `callspec rules` and `callspec explain` print:
// every rule has a summary and a doc with a bad and a good example.
func TestRuleDocs(t *testing.T) {
	for _, r := range rules.All() {
		if r.Summary == "" || strings.HasSuffix(r.Summary, ".") {
			t.Errorf("%s: summary %q must be one line without a final period", r.ID, r.Summary)
		}
		for _, part := range []string{"Bad", "Good"} {
			if !strings.Contains(r.Doc, part) {
				t.Errorf("%s: doc has no %s example", r.ID, part)
			}
		}
		if r.Severity < 1 {
			t.Errorf("%s: no default severity", r.ID)
		}
	}
}

// TestEveryRuleHasAPlace keeps the catalog honest about where a rule is
// checked: a rule with no check in rules/ names the package that reports
// it, and a rule whose entry names another package while it has a check
// here says what part rules/ does.
func TestEveryRuleHasAPlace(t *testing.T) {
	for _, r := range rules.All() {
		here := r.Check != nil || r.CheckSet != nil
		switch {
		case !here && r.Where == "":
			t.Errorf("%s has no check in rules/ and its catalog entry does not say where it is reported", r.ID)
		case here && r.Where != "" && !strings.Contains(r.Where, "rules/"):
			t.Errorf("%s has a check in rules/, but its catalog entry says it is reported in %s", r.ID, r.Where)
		}
	}
}
