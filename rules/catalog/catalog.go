// Package catalog is the one table of callspec's rules: every rule of
// `callspec lint` and of `callspec breaking`, each with its ID (a typed
// constant, written once here), default severity, category, one-line
// summary and documentation (why it matters, a bad and a good example).
// Every layer reads it: compiler/spec, compiler/check and driver/lint
// report findings through an ID's At, rules/ attaches the checks that live
// there, driver/breaking reports its changes, and `callspec rules`,
// `callspec explain`, docs/RULES.md and the SARIF log print it. It imports
// only compiler/diag and compiler/source, so that the front end can import
// it without a cycle.
//
// A lint rule whose check lives outside its rule file in rules/ says where
// (Rule.Where): findings about the YAML and the schema come from
// compiler/spec while decoding, findings about fields and CEL from
// compiler/check, findings about suppressions from driver/lint.
//
// Categories group the rules of `callspec breaking` the way buf's do: a
// callspec.yaml entry under `rules:` may name a category (`STRICT: error`)
// to set every rule in it, and a rule's own entry wins over its
// category's. STRICT is off by default: it is for consumers that refuse
// anything the old schema did not allow. Lint rules belong to no category.
package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
)

// ID names a rule in findings, callspec.yaml and `# callspec:ignore`.
type ID string

// Rule is one rule of lint or breaking.
type Rule struct {
	ID ID
	// Category is the breaking rule's category; "" for a lint rule.
	Category string
	// Severity is the default; Off for the rules of STRICT.
	Severity diag.Severity
	// Summary is one line for `callspec rules`.
	Summary string
	// Doc explains why the rule matters and how to fix a finding, with a
	// bad and a good example; `callspec explain` prints it.
	Doc string
	// Where names the package (and file) that reports a lint rule whose
	// check is not in its rule file under rules/; "" when it is there.
	Where string
}

// Breaking reports whether r is a rule of `callspec breaking`.
func (r *Rule) Breaking() bool { return r.Category != "" }

// String returns the ID as findings carry it.
func (id ID) String() string { return string(id) }

// Rule returns the catalog entry of id; an ID outside the catalog is a
// programming error and panics.
func (id ID) Rule() *Rule {
	r, ok := byID[id]
	if !ok {
		panic("catalog: rule " + string(id) + " is not in the catalog")
	}
	return r
}

// At is a finding of rule id at r with its default severity. The message
// is format with args, or format as it is when there are none (so that a
// message may hold a literal %).
func (id ID) At(r source.Range, format string, args ...any) diag.Finding {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return diag.Finding{Rule: string(id), Severity: id.Rule().Severity, Range: r, Message: msg}
}

var (
	// byID holds every rule; lint holds the lint rules sorted by ID.
	byID = map[ID]*Rule{}
	lint []*Rule
)

func init() {
	for _, table := range [][]Rule{lintRules, breakingRules} {
		for i := range table {
			r := &table[i]
			r.Doc = strings.TrimSpace(r.Doc)
			if _, dup := byID[r.ID]; dup {
				panic("catalog: duplicate rule ID " + string(r.ID))
			}
			if r.Category != "" && !IsCategory(r.Category) {
				panic("catalog: rule " + string(r.ID) + " has unknown category " + r.Category)
			}
			byID[r.ID] = r
		}
	}
	for i := range lintRules {
		lint = append(lint, &lintRules[i])
	}
	slices.SortFunc(lint, func(a, b *Rule) int { return strings.Compare(string(a.ID), string(b.ID)) })
}

// Lookup returns the rule (of lint or breaking) with the given ID.
func Lookup(id string) (*Rule, bool) {
	r, ok := byID[ID(id)]
	return r, ok
}

// Lint returns the rules of `callspec lint`, sorted by ID. The slice is
// shared: do not modify it.
func Lint() []*Rule { return lint }

// Breaking returns the rules of `callspec breaking`, in table order.
func Breaking() []*Rule {
	out := make([]*Rule, len(breakingRules))
	for i := range breakingRules {
		out[i] = &breakingRules[i]
	}
	return out
}

// IDs returns every rule ID: lint's sorted, then breaking's sorted (the
// order did-you-mean prefers them in, on a tie).
func IDs() []string {
	ids := make([]string, 0, len(byID))
	for _, r := range lint {
		ids = append(ids, string(r.ID))
	}
	for _, r := range breakingRules {
		ids = append(ids, string(r.ID))
	}
	slices.Sort(ids[len(lint):])
	return ids
}

// LookupCategory returns the category with the given name.
func LookupCategory(name string) (Category, bool) {
	i := slices.IndexFunc(Categories, func(c Category) bool { return c.Name == name })
	if i < 0 {
		return Category{}, false
	}
	return Categories[i], true
}

// IsCategory reports whether name is a category.
func IsCategory(name string) bool {
	_, ok := LookupCategory(name)
	return ok
}

// CategoryNames returns the category names, in table order.
func CategoryNames() []string {
	out := make([]string, len(Categories))
	for i, c := range Categories {
		out[i] = c.Name
	}
	return out
}

// InCategory returns the rules of a category, in table order.
func InCategory(name string) []*Rule {
	var out []*Rule
	for i := range breakingRules {
		if breakingRules[i].Category == name {
			out = append(out, &breakingRules[i])
		}
	}
	return out
}
