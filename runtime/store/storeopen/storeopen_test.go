package storeopen_test

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/internal/badinput"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

func TestOpenRefusesUnknownStores(t *testing.T) {
	for _, dsn := range []string{
		"mysql://root:hunter2@db/x",
		"mysql://db/x?password=hunter2",
		"host=db user=callspec password=hunter2",
		"memory:x",
		"sqlite:",
		"sqlite:a.db?mode=ro",
		"callspec.db",
		"postgres://callspec:hunter2@127.0.0.1:1/x?connect_timeout=1",
		"postgres://127.0.0.1:1/x?password=hunter2&connect_timeout=1",
		"redis://:hunter2@127.0.0.1:1/0?dial_timeout=1s",
	} {
		s, err := storeopen.Open(dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		t.Logf("Open(%q): %v", dsn, err)
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) quoted the password: %v", dsn, err)
		}
	}
}

// TestOpenErrorsHoldNoSecret: whatever fails (the URL does not parse, the
// driver refuses a parameter, the server is unreachable), the error
// storeopen.Open returns quotes no secret of the DSN.
func TestOpenErrorsHoldNoSecret(t *testing.T) {
	for _, c := range badinput.Pairs(t, "logs/dsns.txt") {
		dsn := c.In
		s, err := storeopen.Open(dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		if strings.Contains(strings.ToLower(err.Error()), "hunter") {
			t.Errorf("Open(%q) quoted the secret: %v", dsn, err)
		}
	}
}
