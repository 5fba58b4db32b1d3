package workflow_test

import (
	"testing"

	"github.com/callspec/callspec/kernel/workflow"
)

func TestHookPath(t *testing.T) {
	for _, c := range []struct{ url, provider, want string }{
		{"https://ops.example.com/hooks/intake", "vapi", "/hooks/intake/vapi"},
		{"https://ops.example.com/hooks/intake/", "retell", "/hooks/intake/retell"},
		{"https://ops.example.com", "bland", "/bland"},
		{"https://ops.example.com/a%2Fb?x=1", "callurl", "/a/b/callurl"},
	} {
		got, err := workflow.HookPath(c.url, c.provider)
		if err != nil || got != c.want {
			t.Errorf("HookPath(%q, %q) = %q, %v; want %q", c.url, c.provider, got, err, c.want)
		}
	}
	u, err := workflow.PlatformURL("https://ops.example.com/hooks/intake?x=1", "vapi")
	if err != nil || u.String() != "https://ops.example.com/hooks/intake/vapi?x=1" {
		t.Errorf("PlatformURL = %v, %v", u, err)
	}
	for _, bad := range []string{"https://x.example/{id}", "https://x.example/a%20b", "https://x.example/a//b", "https://x.example/a/../b"} {
		if _, err := workflow.HookPath(bad, "vapi"); err == nil {
			t.Errorf("HookPath(%q) accepted a path a ServeMux cannot serve", bad)
		}
	}
	for _, p := range []string{"", "a/b", "a?b"} {
		if _, err := workflow.HookPath("https://x.example/h", p); err == nil {
			t.Errorf("HookPath(_, %q) accepted a platform name that is not one path segment", p)
		}
	}
}
