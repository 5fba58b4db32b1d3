package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/rules/catalog"
)

// TestRulesets checks the two rulesets the comparison times, not the
// times: Spectral lints every file with the stock ruleset, and the mirror
// ruleset flags exactly the defective specs whose mistake it mirrors
// (callspec's CEL and scenario checks have no Spectral counterpart) and
// passes every other spec. It needs the npm project installed, which CI
// does not do.
func TestRulesets(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping under -short: it runs Spectral (Node) twice")
	}
	sp, err := findSpectral(".", "node")
	if err != nil {
		t.Skipf("skipping: Spectral is not installed; run `npm ci --prefix bench/spectral` from the repository root to test the rulesets (%v)", err)
	}
	dir := t.TempDir()
	const n, defects = 25, 20
	paths, err := specgen.WriteSet(dir, n, 1, defects)
	if err != nil {
		t.Fatal(err)
	}
	mirror := filepath.Join(t.TempDir(), "mirror.spectral.json")
	if err := writeMirror(mirror, "callspec.spectral.yaml", filepath.Join("..", "..", "schema", "callspec.schema.json")); err != nil {
		t.Fatal(err)
	}

	seen, err := sp.findings("oas.spectral.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("spectral:oas reported on %d of %d files, want every one (one unrecognized-format warning each)", len(seen), n)
	}

	flagged, err := sp.findings(mirror, dir)
	if err != nil {
		t.Fatal(err)
	}
	mirrored := []string{string(catalog.MissingDisclosure), string(catalog.HandoffCallerMessage), string(catalog.WebhookURL)}
	kinds := 0
	count := 0
	for i, path := range paths {
		name := filepath.Base(path)
		want := false
		if specgen.IsDefective(1, i, defects) {
			defect := specgen.Defects[count%len(specgen.Defects)]
			count++
			want = slices.Contains(mirrored, defect)
			if want {
				kinds++
			}
		}
		if got := len(flagged[name]) > 0; got != want {
			t.Errorf("%s: the mirror ruleset flagged it: %v (%v), want %v", name, got, flagged[name], want)
		}
	}
	if kinds == 0 {
		t.Fatal("no generated spec has a defect the mirror ruleset checks; raise defects or n")
	}
}
