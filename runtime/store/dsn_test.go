package store_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callspec/callspec/runtime/store"
)

// dsnCorpus is testdata/bad-input/logs/dsns.txt: DSNs holding secrets
// (each starts with "hunter") and what RedactDSN must show of them.
func dsnCorpus(t *testing.T) [][2]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "bad-input", "logs", "dsns.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	lines := bufio.NewScanner(f)
	for n := 1; lines.Scan(); n++ {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dsn, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("dsns.txt:%d: want a DSN, a tab and its redaction", n)
		}
		out = append(out, [2]string{dsn, want})
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRedactDSN: the one redactor masks passwords in the user
// information and the query (however a driver spells the parameter),
// shows SQLite paths without parameters, and never shows a DSN that does
// not parse.
func TestRedactDSN(t *testing.T) {
	for _, c := range dsnCorpus(t) {
		dsn, want := c[0], c[1]
		got := store.RedactDSN(dsn)
		if got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", dsn, got, want)
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

// TestOpenErrorsHoldNoSecret: whatever fails (the URL does not parse, the
// driver refuses a parameter, the server is unreachable), the error
// store.Open returns quotes no secret of the DSN.
func TestOpenErrorsHoldNoSecret(t *testing.T) {
	for _, c := range dsnCorpus(t) {
		dsn := c[0]
		s, err := store.Open(dsn)
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
