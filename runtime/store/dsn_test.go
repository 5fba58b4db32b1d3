package store_test

import (
	"strings"
	"testing"

	"github.com/callspec/callspec/internal/badinput"
	"github.com/callspec/callspec/runtime/store"
)

// TestRedactDSN: the one redactor masks passwords in the user
// information and the query (however a driver spells the parameter),
// shows SQLite paths without parameters, and never shows a DSN that does
// not parse.
func TestRedactDSN(t *testing.T) {
	for _, c := range badinput.Pairs(t, "logs/dsns.txt") {
		dsn, want := c.In, c.Want
		got := store.RedactDSN(dsn)
		if got != want {
			t.Errorf("dsns.txt:%d: RedactDSN(%q) = %q, want %q", c.Line, dsn, got, want)
		}
		if strings.Contains(strings.ToLower(got), "hunter") {
			t.Errorf("RedactDSN(%q) shows the secret: %q", dsn, got)
		}
	}
	for _, dsn := range []string{"memory:", "sqlite:callspec.db", "sqlite:/var/lib/callspec/a@b=c.db", "postgres://callspec@db.internal:5432/callspec?sslmode=require", "redis://127.0.0.1:6379/0?key_prefix=app:", "postgres:///callspec?host=/run/postgresql"} {
		if got := store.RedactDSN(dsn); got != dsn {
			t.Errorf("RedactDSN(%q) = %q; a DSN without a secret is shown as it is", dsn, got)
		}
	}
}
