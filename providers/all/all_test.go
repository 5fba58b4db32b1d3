package all_test

import (
	"slices"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
)

// TestNamesAreKnownTargets keeps the registry and the targets a spec may
// name in step: a platform is either both or neither.
func TestNamesAreKnownTargets(t *testing.T) {
	if got, want := providers.Names(), check.KnownTargets; !slices.Equal(got, want) {
		t.Fatalf("providers.Names() = %v, check.KnownTargets = %v", got, want)
	}
	for _, n := range providers.Names() {
		p, err := providers.Lookup(n)
		if err != nil || p.Name() != n {
			t.Errorf("Lookup(%q) = %v, %v", n, p, err)
		}
		if p.SignatureScheme() == "" {
			t.Errorf("%s has no signature scheme description", n)
		}
	}
	if _, err := providers.Lookup("twilio"); err == nil {
		t.Error("an unknown provider was found")
	}
}
