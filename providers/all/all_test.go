package all_test

import (
	"github.com/callspec/callspec/kernel/workflow"
	"slices"
	"strings"
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
// none. (KnownTargets reads the adapters' registry; the emitters' is
// filled separately, by allconfigs.)
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

// TestAuthModes keeps the adapters in step with kernel/workflow's table
// of auth modes: every platform has an entry, every mode it lists selects
// an adapter of that platform, and a mode it does not list is refused
// with a message that names the modes it has.
func TestAuthModes(t *testing.T) {
	for _, name := range providers.Names() {
		p, err := providers.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		auth, ok := workflow.AuthOf(name)
		if !ok {
			t.Errorf("%s has no auth modes in kernel/workflow", name)
			continue
		}
		for _, mode := range auth.Modes {
			q, err := providers.WithAuth(p, mode)
			if err != nil || q.Name() != name {
				t.Errorf("WithAuth(%s, %s) = %v, %v", name, mode, q, err)
			}
			if got := providers.UsesURLToken(q); got != (mode == workflow.AuthURLToken) {
				t.Errorf("%s in mode %s carries a URL token: %v", name, mode, got)
			}
		}
		_, err = providers.WithAuth(p, "oauth2")
		if want := name + ` cannot authenticate with "oauth2"; its auth modes are ` + strings.Join(auth.Modes, ", "); err == nil || err.Error() != want {
			t.Errorf("WithAuth(%s, oauth2) = %v, want %q", name, err, want)
		}
	}
}
