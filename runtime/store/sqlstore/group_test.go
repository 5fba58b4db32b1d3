package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/callspec/callspec/runtime/store"
)

// TestGroupCommitUndoesOnlyTheFailedWrite runs writes together in one
// group commit: one changes a row and then fails, others succeed or hold
// no lease. The failed write's change is undone and the others are
// committed, as if each had been a transaction of its own.
func TestGroupCommitUndoesOnlyTheFailedWrite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "g.db")+"?_txlock=immediate&_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	g, err := newGroupCommit(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	insert := func(k string) func(ctx context.Context, q querier) error {
		return func(ctx context.Context, q querier) error {
			_, err := q.ExecContext(ctx, `INSERT INTO t (k, v) VALUES ($1, 1)`, k)
			return err
		}
	}
	writes := map[string]func(ctx context.Context, q querier) error{
		"ok-1": insert("ok-1"),
		"lost": func(context.Context, querier) error { return fmt.Errorf("mark: %w", store.ErrLeaseLost) },
		"half": func(ctx context.Context, q querier) error {
			if err := insert("half")(ctx, q); err != nil {
				return err
			}
			_, err := q.ExecContext(ctx, `INSERT INTO t (k, v) VALUES ($1, NULL)`, "half-2")
			return err
		},
		"ok-2": insert("ok-2"),
	}
	// One group, in this order: the failing write between good ones.
	names := []string{"ok-1", "lost", "half", "ok-2"}
	var group []*groupWrite
	for _, name := range names {
		group = append(group, &groupWrite{ctx: t.Context(), fn: writes[name], result: make(chan error, 1)})
	}
	g.commit(group)
	results := map[string]error{}
	for i, name := range names {
		results[name] = <-group[i].result
	}
	g.close()
	if results["ok-1"] != nil || results["ok-2"] != nil {
		t.Errorf("the good writes failed: %v, %v", results["ok-1"], results["ok-2"])
	}
	if !errors.Is(results["lost"], store.ErrLeaseLost) {
		t.Errorf("the write without a lease returned %v", results["lost"])
	}
	if results["half"] == nil {
		t.Error("the failing write succeeded")
	}
	rows, err := db.Query(`SELECT k FROM t ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		got = append(got, k)
	}
	if fmt.Sprint(got) != "[ok-1 ok-2]" {
		t.Errorf("committed %v, want [ok-1 ok-2]: the failed write's first insert must be undone, the others kept", got)
	}
}
