package all_test

import (
	"slices"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/providers/configs"
	_ "github.com/callspec/callspec/providers/configs/allconfigs"
	"github.com/callspec/callspec/providers/vapi"
)

// TestNamesAreKnownTargets keeps the two registries (adapters, emitters)
// and the targets a spec may name in step: a platform is all three or
// none.
func TestNamesAreKnownTargets(t *testing.T) {
	if got, want := providers.Names(), check.KnownTargets; !slices.Equal(got, want) {
		t.Fatalf("providers.Names() = %v, check.KnownTargets = %v", got, want)
	}
	if got, want := configs.Names(), check.KnownTargets; !slices.Equal(got, want) {
		t.Fatalf("configs.Names() = %v, check.KnownTargets = %v", got, want)
	}
	for _, n := range configs.Names() {
		if e, err := configs.Lookup(n); err != nil || e.Name() != n {
			t.Errorf("configs.Lookup(%q) = %v, %v", n, e, err)
		}
	}
	if _, err := configs.Lookup("twilio"); err == nil {
		t.Error("an unknown config emitter was found")
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

// TestSignatureStatus: events say whether the body was signed or only a
// shared secret was presented, so downstream can weigh them.
func TestSignatureStatus(t *testing.T) {
	want := map[string]string{
		"bland": event.SignatureVerified, "callurl": event.SignatureVerified, "retell": event.SignatureVerified,
		"vapi": event.SignatureVerified, "callcow": event.SignatureURLToken, "phonely": event.SignatureURLToken,
		"synthflow": event.SignatureURLToken,
	}
	for _, name := range providers.Names() {
		p, _ := providers.Lookup(name)
		if got := providers.SignatureStatus(p); got != want[name] {
			t.Errorf("%s: signature_status %q, want %q", name, got, want[name])
		}
	}
	if got := providers.SignatureStatus(vapi.New(vapi.Bearer)); got != event.SignatureSharedSecret {
		t.Errorf("vapi with a bearer credential: %q", got)
	}
}
