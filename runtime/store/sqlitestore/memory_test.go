package sqlitestore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/sqlitestore"
)

// TestMemoryDatabaseReadsItsOwnWrites: a :memory: database exists once per
// connection, so its reads cannot go through a pool of their own; a claim
// completed must be Done on the next look.
func TestMemoryDatabaseReadsItsOwnWrites(t *testing.T) {
	s, err := sqlitestore.Open("sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	c, err := s.Claim(ctx, "k", time.Minute)
	if err != nil || c.Outcome != store.Acquired {
		t.Fatalf("claim: %v, %v", c.Outcome, err)
	}
	if err := s.Complete(ctx, c, store.Result{Status: 200, Body: []byte("ok")}); err != nil {
		t.Fatal(err)
	}
	again, err := s.Claim(ctx, "k", time.Minute)
	if err != nil || again.Outcome != store.Done || string(again.Result.Body) != "ok" {
		t.Fatalf("claim again: %v %q, %v; want Done \"ok\"", again.Outcome, again.Result.Body, err)
	}
}

// TestSharesCommits: a SQLite file commits concurrent writes together,
// which the queue workers read to record a batch's outcomes at once; a
// database in memory has one connection for reads and writes and does
// not.
func TestSharesCommits(t *testing.T) {
	file, err := sqlitestore.Open("sqlite:" + filepath.Join(t.TempDir(), "callspec.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	mem, err := sqlitestore.Open("sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	for s, want := range map[store.Store]bool{file: true, mem: false} {
		sc, ok := s.(store.SharedCommits)
		if !ok || sc.SharesCommits() != want {
			t.Errorf("%T: SharesCommits = %v (implemented: %v), want %v", s, ok && sc.SharesCommits(), ok, want)
		}
	}
}
