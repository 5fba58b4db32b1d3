package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
)

// BenchmarkRule runs each rule alone over the checked seed workflows, so
// that a slow rule shows by name; BenchmarkAllRules is what lint pays per
// file set for the whole gate after checking.
func BenchmarkRule(b *testing.B) {
	units := seedUnits(b)
	for _, r := range All() {
		if r.Check == nil {
			continue
		}
		b.Run(string(r.ID), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, u := range units {
					var out []diag.Finding
					r.Check(&Pass{Unit: u, rule: r, findings: &out, facts: &FileFacts{}})
				}
			}
		})
	}
}

func BenchmarkAllRules(b *testing.B) {
	units := seedUnits(b)
	b.ReportAllocs()
	for b.Loop() {
		facts := make([]*FileFacts, 0, len(units))
		for _, u := range units {
			_, f := RunFile(u)
			facts = append(facts, f)
		}
		RunSet(facts)
	}
}

func seedUnits(b *testing.B) []*check.Unit {
	paths, err := filepath.Glob("../workflows/*.yaml")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no workflows: %v", err)
	}
	// Not driver/lint, which imports this package.
	var units []*check.Unit
	for _, p := range paths {
		content, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		s, _ := spec.Load(p, content)
		u, _ := check.Check(s)
		units = append(units, u)
	}
	return units
}
