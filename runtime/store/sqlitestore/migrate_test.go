package sqlitestore_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/sqlitestore"
)

// TestSQLiteMigratesVersion1 opens a file written by a callspec before the
// inbox (schema version 1) with a pending forward in it: the forward is
// still leased and delivered, and the inbox works beside it.
func TestSQLiteMigratesVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE callspec_schema_version (version INTEGER NOT NULL)`,
		`INSERT INTO callspec_schema_version VALUES (1)`,
		`CREATE TABLE callspec_claims (idempotency_key TEXT PRIMARY KEY, state TEXT NOT NULL, token TEXT NOT NULL,
			lease_until BIGINT NOT NULL, attempts INTEGER NOT NULL, status INTEGER NOT NULL DEFAULT 0, body BLOB,
			created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
		`CREATE TABLE callspec_outbox (id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, url TEXT NOT NULL,
			secret_env TEXT NOT NULL, body BLOB NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
			max_attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, last_error TEXT NOT NULL,
			lease_token TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
		`CREATE INDEX callspec_outbox_due ON callspec_outbox (state, next_attempt_at)`,
		`INSERT INTO callspec_outbox VALUES ('msg_old', 'maintenance_report_intake', 'https://crm.example.com/h',
			'CRM_SECRET', '{}', 'pending', 0, 8, 0, '', '', 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
	st, err := sqlitestore.Open("sqlite:" + path)
	if err != nil {
		t.Fatalf("Open of a version 1 file: %v", err)
	}
	defer st.Close()
	ms, err := st.LeaseDue(t.Context(), store.Forward, 10, time.Minute)
	if err != nil || len(ms) != 1 || ms[0].ID != "msg_old" || ms[0].Kind != store.Forward {
		t.Fatalf("LeaseDue(Forward) after the migration = %+v, %v; want msg_old", ms, err)
	}
	if in, err := st.LeaseDue(t.Context(), store.Service, 10, time.Minute); err != nil || len(in) != 0 {
		t.Fatalf("LeaseDue(Service) after the migration = %+v, %v; want none", in, err)
	}
	c, err := st.Claim(t.Context(), "k", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Complete(t.Context(), c, store.Result{Status: 200}, &store.Message{ID: "evt_new", Kind: store.Service, Group: "g", Body: []byte("{}")}); err != nil {
		t.Fatalf("Complete with an inbox entry after the migration: %v", err)
	}
	if s, err := st.Stats(t.Context()); err != nil || s.Inbox.Pending != 1 || s.Pending != 1 {
		t.Fatalf("Stats = %+v, %v; want one pending of each", s, err)
	}
}
