// Package sqlstore is the store over SQL shared by sqlitestore and
// pgstore: both engines run the same statements through database/sql, and
// the driver stays in the backend package that opens the database.
package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// sqlStore is the store over SQLite and PostgreSQL. Both engines run the
// same statements ($N placeholders, INSERT … ON CONFLICT … DO UPDATE …
// WHERE, UPDATE … RETURNING, MATERIALIZED common table expressions); the
// dialect only supplies column types, the row-locking clause and how
// concurrent migrations are serialised.
//
// Times are stored as Unix milliseconds (BIGINT), read from the store's
// clock, so that every engine compares leases the same way.
type sqlStore struct {
	db *sql.DB
	// read serves the statements that only read (a claim's first look,
	// stats, listings); it is db unless OpenPools was given a reader.
	read    *sql.DB
	dialect Dialect
	now     func() time.Time
	// closeDriver releases what db is built on (the pgx pool), if anything.
	closeDriver func()
	// On an engine with one writer (Dialect.OneWriter): the group commit
	// that every write goes through, and the reads' statements prepared
	// once on their pool. Nil otherwise.
	group     *groupCommit
	readStmts *stmtCache
}

// write runs fn, one write: on an engine with one writer in the next
// group commit, otherwise on the pool (each statement commits by itself).
func (s *sqlStore) write(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	if s.group != nil {
		return s.group.do(ctx, fn)
	}
	return fn(ctx, s.db)
}

// inTx runs fn's statements as one transaction: on an engine with one
// writer in the next group commit. An error of beginning or committing
// the transaction is wrapped with what.
func (s *sqlStore) inTx(ctx context.Context, what string, fn func(ctx context.Context, q querier) error) error {
	if s.group != nil {
		err := s.group.do(ctx, fn)
		var ce *commitError
		if errors.As(err, &ce) {
			return fmt.Errorf("%s: %w", what, ce.err)
		}
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// SharesCommits reports whether the writes of concurrent callers are
// committed together (store.SharedCommits): on an engine with one
// writer.
func (s *sqlStore) SharesCommits() bool { return s.group != nil }

// reader is the pool of the statements that only read, through the
// statement cache when there is one.
func (s *sqlStore) reader() querier {
	if s.readStmts != nil {
		return s.readStmts
	}
	return s.read
}

// Open serves the store over db, creating or migrating its tables (in one
// transaction, under d.MigrationLock). closeDriver, if not nil, releases
// what db is built on (a connection pool) when the store closes; if the
// migration fails, Open closes db and calls it.
func Open(ctx context.Context, db *sql.DB, d Dialect, closeDriver func(), opts ...store.Option) (store.Store, error) {
	return OpenPools(ctx, db, db, d, closeDriver, opts...)
}

// OpenPools is Open with a second pool, read, for the statements that only
// read. SQLite serialises writers, so its store writes through one
// connection; in WAL mode readers do not wait for the writer, and a
// claim's first look (every delivery, and all a duplicate costs) need not
// queue behind the writes of other deliveries and the workers. A read may
// see the state before a write that is committing: the statements that
// decide (the claim's upsert, a completion) run on db.
func OpenPools(ctx context.Context, db, read *sql.DB, d Dialect, closeDriver func(), opts ...store.Option) (store.Store, error) {
	s := &sqlStore{db: db, read: read, dialect: d, now: store.Clock(opts...), closeDriver: closeDriver}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if d.OneWriter {
		if read == db {
			s.Close()
			return nil, errors.New("a store with one writer needs a pool of its own for reads: the group commit holds the writer's connection")
		}
		g, err := newGroupCommit(ctx, db)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.group, s.readStmts = g, newStmtCache(read)
	}
	return s, nil
}

// Dialect is what differs between the engines.
type Dialect struct {
	// Name names the engine ("sqlite", "postgres").
	Name string
	// Blob is the column type of byte strings.
	Blob string
	// LockRows is appended to the SELECT that picks due outbox rows so that
	// concurrent transactions skip each other's rows instead of waiting for
	// them. SQLite needs none: a write transaction (BEGIN IMMEDIATE) holds
	// the whole database.
	LockRows string
	// MigrationLock, run first in the migration transaction, keeps replicas
	// that start together from racing on CREATE TABLE.
	MigrationLock string
	// OneWriter: the engine writes through one connection (SQLite), so
	// the writes of concurrent callers are committed together (see
	// groupCommit) and the hot statements are prepared once (stmtCache).
	OneWriter bool
}

// schemaVersion is the version of the tables below. A later version adds
// its ALTER statements to migrate, guarded by the stored version.
//
// Version 2 added the inbox to the outbox's table: the columns kind
// (forward or service), grp (the call whose events are kept in order), seq
// (the order of storing) and summary (metadata for callspec stats).
const schemaVersion = 2

// migrations[v] moves a schema of version v to v+1.
var migrations = map[int][]string{
	1: {
		`ALTER TABLE callspec_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'forward'`,
		`ALTER TABLE callspec_outbox ADD COLUMN grp TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE callspec_outbox ADD COLUMN seq BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE callspec_outbox ADD COLUMN summary TEXT NOT NULL DEFAULT ''`,
	},
}

// indexes are created after the migrations, which add columns they use.
// An index changes no reader or writer, so adding one needs no new schema
// version.
var indexes = []string{
	// LeaseDue: the due messages of one queue, in the order it takes them
	// (due time, then id), so that a lease reads the first rows of the
	// index and stops rather than sorting every due message: a backlog
	// made each lease cost O(n) and PostgreSQL's inbox fell to ~10 leases
	// a second behind 500 pending events.
	`DROP INDEX IF EXISTS callspec_outbox_kind_due`,
	`CREATE INDEX IF NOT EXISTS callspec_outbox_kind_due_id ON callspec_outbox (kind, state, next_attempt_at, id)`,
	// LeaseDue: is an earlier message of the group pending?
	`CREATE INDEX IF NOT EXISTS callspec_outbox_group ON callspec_outbox (kind, grp, state, seq)`,
	// Messages of a window (callspec stats).
	`CREATE INDEX IF NOT EXISTS callspec_outbox_created ON callspec_outbox (kind, created_at)`,
	// Prune's lookups.
	`CREATE INDEX IF NOT EXISTS callspec_claims_updated ON callspec_claims (updated_at)`,
	`CREATE INDEX IF NOT EXISTS callspec_outbox_updated ON callspec_outbox (state, updated_at)`,
}

func (d Dialect) schema() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS callspec_schema_version (version INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS callspec_claims (
			idempotency_key TEXT PRIMARY KEY,
			state TEXT NOT NULL,
			token TEXT NOT NULL,
			lease_until BIGINT NOT NULL,
			attempts INTEGER NOT NULL,
			status INTEGER NOT NULL DEFAULT 0,
			body ` + d.Blob + `,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS callspec_outbox (
			id TEXT PRIMARY KEY,
			workflow_id TEXT NOT NULL,
			url TEXT NOT NULL,
			secret_env TEXT NOT NULL,
			body ` + d.Blob + ` NOT NULL,
			state TEXT NOT NULL,
			attempts INTEGER NOT NULL,
			max_attempts INTEGER NOT NULL,
			next_attempt_at BIGINT NOT NULL,
			last_error TEXT NOT NULL,
			lease_token TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL,
			kind TEXT NOT NULL DEFAULT 'forward',
			grp TEXT NOT NULL DEFAULT '',
			seq BIGINT NOT NULL DEFAULT 0,
			summary TEXT NOT NULL DEFAULT ''
		)`,
	}
}

// migrate creates the tables when they are missing and refuses a schema
// newer than this code. It is idempotent and safe to run from several
// processes at once.
func (s *sqlStore) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin the schema migration: %w", err)
	}
	defer tx.Rollback()
	if s.dialect.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.MigrationLock); err != nil {
			return fmt.Errorf("lock the schema migration: %w", err)
		}
	}
	for _, stmt := range s.dialect.schema() {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create the store's tables: %w", err)
		}
	}
	var version int
	err = tx.QueryRowContext(ctx, `SELECT version FROM callspec_schema_version`).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO callspec_schema_version (version) VALUES ($1)`, schemaVersion); err != nil {
			return fmt.Errorf("record the schema version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("read the schema version: %w", err)
	case version > schemaVersion:
		return fmt.Errorf("the store's schema is version %d, newer than this callspec understands (%d); upgrade callspec", version, schemaVersion)
	case version < schemaVersion:
		for v := version; v < schemaVersion; v++ {
			for _, stmt := range migrations[v] {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migrate the store's schema from version %d: %w", v, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE callspec_schema_version SET version = $1`, schemaVersion); err != nil {
			return fmt.Errorf("record the schema version: %w", err)
		}
	}
	for _, stmt := range indexes {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create the store's indexes: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit the schema migration: %w", err)
	}
	return nil
}

// claimTries bounds Claim's loop: the key's row was free (absent, or its
// lease had run out), but another caller took it first, and then that
// caller's lease ran out or was released before we read it again.
const claimTries = 3

func (s *sqlStore) Claim(ctx context.Context, key string, lease time.Duration) (store.Claim, error) {
	if err := store.CheckClaimArgs(key, lease); err != nil {
		return store.Claim{}, err
	}
	return s.claim(ctx, key, func(now time.Time) (store.Claim, error) {
		token := store.NewToken()
		until := store.ToMS(now.Add(lease))
		// The key is new or its lease ran out. One statement takes it; the
		// conflict WHERE makes a takeover conditional, and concurrent
		// upserts of one key serialise on its row, so exactly one wins.
		var attempts int
		err := s.write(ctx, func(ctx context.Context, q querier) error {
			return takeKey(q.QueryRowContext(ctx, `
			INSERT INTO callspec_claims (idempotency_key, state, token, lease_until, attempts, status, body, created_at, updated_at)
			VALUES ($1, 'claimed', $2, $3, 1, 0, NULL, $4, $4)
			ON CONFLICT (idempotency_key) DO UPDATE SET
				token = excluded.token,
				lease_until = excluded.lease_until,
				attempts = callspec_claims.attempts + 1,
				updated_at = excluded.updated_at
			WHERE callspec_claims.state = 'claimed' AND callspec_claims.lease_until <= $4
			RETURNING attempts`,
				key, token, until, store.ToMS(now)), &attempts)
		})
		return store.Claim{Key: key, Outcome: store.Acquired, Token: token, Attempt: attempts, LeaseUntil: store.FromMS(until)}, err
	})
}

// ClaimComplete claims key and stores its result and messages in one
// write (store.ClaimCompleter): the claim's row is written done at once.
func (s *sqlStore) ClaimComplete(ctx context.Context, key string, lease time.Duration, result store.Result, msgs ...*store.Message) (store.Claim, error) {
	if err := store.CheckClaimComplete(key, lease, result); err != nil {
		return store.Claim{}, err
	}
	body := result.Body
	if body == nil {
		body = []byte{}
	}
	return s.claim(ctx, key, func(now time.Time) (store.Claim, error) {
		ms, err := store.PrepareMessages(msgs, now)
		if err != nil {
			return store.Claim{}, err
		}
		until := store.ToMS(now.Add(lease))
		var attempts int
		err = s.inTx(ctx, "store the result", func(ctx context.Context, tx querier) error {
			// Claim's upsert, writing the row as Complete leaves it.
			err := takeKey(tx.QueryRowContext(ctx, `
			INSERT INTO callspec_claims (idempotency_key, state, token, lease_until, attempts, status, body, created_at, updated_at)
			VALUES ($1, 'done', '', $2, 1, $3, $4, $5, $5)
			ON CONFLICT (idempotency_key) DO UPDATE SET
				state = 'done',
				token = '',
				lease_until = excluded.lease_until,
				attempts = callspec_claims.attempts + 1,
				status = excluded.status,
				body = excluded.body,
				updated_at = excluded.updated_at
			WHERE callspec_claims.state = 'claimed' AND callspec_claims.lease_until <= $5
			RETURNING attempts`,
				key, until, result.Status, body, store.ToMS(now)), &attempts)
			if err != nil {
				return err
			}
			return enqueue(ctx, tx, key, ms)
		})
		return store.Claim{Key: key, Outcome: store.Acquired, Attempt: attempts, LeaseUntil: store.FromMS(until)}, err
	})
}

// errKeyTaken is take's answer when another caller holds key: it changed
// nothing, so a group commit need not undo it (it wraps ErrLeaseLost,
// which a group passes over), and claim reads the key again.
var errKeyTaken = fmt.Errorf("the key was taken by another caller: %w", store.ErrLeaseLost)

// takeKey scans the attempts a claim's upsert returned; no row means the
// conflict WHERE kept another caller's live claim.
func takeKey(row *sql.Row, attempts *int) error {
	err := row.Scan(attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return errKeyTaken
	}
	return err
}

// claim is the loop of Claim and ClaimComplete: a read settles a done or
// busy key; otherwise take tries to win the key's upsert, and a key that
// another caller took meanwhile is read again.
func (s *sqlStore) claim(ctx context.Context, key string, take func(now time.Time) (store.Claim, error)) (store.Claim, error) {
	for range claimTries {
		// Read first: duplicates and retries of a busy key, which platforms
		// send in bursts, then cost one read and never lock the row.
		c, settled, err := s.readClaim(ctx, key)
		if err != nil || settled {
			return c, err
		}
		c, err = take(s.now())
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, errKeyTaken) {
			return store.Claim{}, fmt.Errorf("claim %q: %w", key, err)
		}
	}
	// The key changed hands on every try; whoever holds it now is live.
	return store.Claim{Key: key, Outcome: store.Busy, LeaseUntil: s.now().Add(time.Second)}, nil
}

// readClaim reads key's row. settled is true when the row decides the
// claim (Done, or Busy with a live lease); otherwise the key is new or its
// lease ran out, and the caller must still win the upsert.
func (s *sqlStore) readClaim(ctx context.Context, key string) (c store.Claim, settled bool, err error) {
	var (
		state      string
		leaseUntil int64
		status     int
		body       []byte
	)
	err = s.reader().QueryRowContext(ctx, `SELECT state, lease_until, status, body FROM callspec_claims WHERE idempotency_key = $1`, key).
		Scan(&state, &leaseUntil, &status, &body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Claim{}, false, nil
	case err != nil:
		return store.Claim{}, false, fmt.Errorf("read the claim of %q: %w", key, err)
	case state == "done":
		return store.Claim{Key: key, Outcome: store.Done, Result: store.Result{Status: status, Body: body}}, true, nil
	case leaseUntil > store.ToMS(s.now()):
		return store.Claim{Key: key, Outcome: store.Busy, LeaseUntil: store.FromMS(leaseUntil)}, true, nil
	}
	return store.Claim{}, false, nil
}

func (s *sqlStore) Complete(ctx context.Context, held store.Claim, result store.Result, msgs ...*store.Message) error {
	now := s.now()
	ms, err := store.CheckComplete(held, result, msgs, now)
	if err != nil {
		return err
	}
	body := result.Body
	if body == nil {
		body = []byte{}
	}
	return s.inTx(ctx, fmt.Sprintf("complete %q", held.Key), func(ctx context.Context, tx querier) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE callspec_claims SET state = 'done', token = '', status = $1, body = $2, updated_at = $3
			WHERE idempotency_key = $4 AND token = $5 AND state = 'claimed'`,
			result.Status, body, store.ToMS(now), held.Key, held.Token)
		if err := oneRow(res, err); err != nil {
			return fmt.Errorf("complete %q: %w", held.Key, err)
		}
		return enqueue(ctx, tx, held.Key, ms)
	})
}

// enqueue appends the messages of delivery key to their queues.
func enqueue(ctx context.Context, tx querier, key string, ms []store.Message) error {
	for _, m := range ms {
		// A message id already present was enqueued by an earlier
		// completion of the same delivery; it is not sent twice. seq
		// orders a group, read from the group's rows only (the index on
		// kind, grp): an ungrouped message needs none. Concurrent inserts
		// of one group on PostgreSQL may draw the same number, and are
		// then ordered by id (they were concurrent anyway).
		_, err := tx.ExecContext(ctx, `
			INSERT INTO callspec_outbox (id, kind, workflow_id, grp, url, secret_env, body, summary, state, attempts, max_attempts,
				next_attempt_at, last_error, lease_token, created_at, updated_at, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $11, 'pending', 0, $8, $9, '', '', $10, $10,
				CASE WHEN $4 = '' THEN 0 ELSE (SELECT COALESCE(MAX(seq), 0) + 1 FROM callspec_outbox WHERE kind = $2 AND grp = $4) END)
			ON CONFLICT (id) DO NOTHING`,
			m.ID, string(m.Kind), m.WorkflowID, m.Group, m.URL, m.SecretEnv, m.Body, m.MaxAttempts, store.ToMS(m.NextAttemptAt), store.ToMS(m.CreatedAt), m.Summary)
		if err != nil {
			return fmt.Errorf("enqueue the %s message of %q: %w", m.Kind, key, err)
		}
	}
	return nil
}

func (s *sqlStore) Release(ctx context.Context, held store.Claim) error {
	if err := store.CheckHeld(held); err != nil {
		return err
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		res, err := q.ExecContext(ctx, `
			UPDATE callspec_claims SET token = '', lease_until = 0, updated_at = $1
			WHERE idempotency_key = $2 AND token = $3 AND state = 'claimed'`,
			store.ToMS(s.now()), held.Key, held.Token)
		return oneRow(res, err)
	})
	if err != nil {
		return fmt.Errorf("release %q: %w", held.Key, err)
	}
	return nil
}

const outboxColumns = `id, kind, workflow_id, grp, url, secret_env, body, summary, state, attempts, max_attempts, next_attempt_at, last_error, lease_token, created_at, updated_at`

func (s *sqlStore) LeaseDue(ctx context.Context, kind store.Kind, n int, lease time.Duration) ([]store.Message, error) {
	if err := store.CheckLeaseDueArgs(kind, n, lease); err != nil {
		return nil, err
	}
	now := store.ToMS(s.now())
	token := store.NewToken()
	var out []store.Message
	err := s.inTx(ctx, "lease due messages", func(ctx context.Context, tx querier) error {
		out = out[:0]
		// Each round looks at the first due messages only (the index on kind,
		// state, due time and id, read in order up to the limit), never at
		// every due one: with a backlog of thousands of pending messages the
		// scan for abandoned final attempts that once ran before every lease
		// read each due row and made a lease cost O(backlog). A message that
		// has used up its attempts had its final attempt leased and never
		// recorded; it is dead-lettered where it is met, as the memory and
		// Redis stores do, and the round repeats for the messages it held
		// back (its group's next, or the rest of the limit).
		for len(out) < n {
			// The lease is the message's next_attempt_at: when it runs out the
			// message is due again without anyone having to release it. A
			// grouped message waits while an earlier one of its group is
			// pending; that one stays pending while leased, so no two of a
			// group are leased at once, by any replica. Every right-hand side
			// of SET reads the row as it was, so the CASEs agree.
			rows, err := tx.QueryContext(ctx, `
			WITH due AS MATERIALIZED (
				SELECT id FROM callspec_outbox o
				WHERE kind = $5 AND state = 'pending' AND next_attempt_at <= $1
					AND (grp = '' OR NOT EXISTS (
						SELECT 1 FROM callspec_outbox e
						WHERE e.kind = o.kind AND e.grp = o.grp AND e.state = 'pending'
							AND (e.seq < o.seq OR e.seq = o.seq AND e.id < o.id)))
				ORDER BY next_attempt_at, id
				LIMIT $2`+s.dialect.LockRows+`
			)
			UPDATE callspec_outbox SET
				state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE state END,
				last_error = CASE WHEN attempts >= max_attempts THEN $6 ELSE last_error END,
				lease_token = CASE WHEN attempts >= max_attempts THEN '' ELSE $3 END,
				next_attempt_at = CASE WHEN attempts >= max_attempts THEN next_attempt_at ELSE $4 END,
				attempts = CASE WHEN attempts >= max_attempts THEN attempts ELSE attempts + 1 END,
				updated_at = $1
			WHERE id IN (SELECT id FROM due)
			RETURNING `+outboxColumns,
				now, n-len(out), token, now+lease.Milliseconds(), string(kind), store.AbandonedFinalAttempt)
			if err != nil {
				return fmt.Errorf("lease due messages: %w", err)
			}
			ms, err := scanMessages(rows)
			if err != nil {
				return fmt.Errorf("lease due messages: %w", err)
			}
			dead := false
			for _, m := range ms {
				if m.State == store.Pending {
					out = append(out, m)
				} else {
					dead = true
				}
			}
			if !dead {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b store.Message) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (s *sqlStore) MarkDelivered(ctx context.Context, m store.Message) error {
	return s.mark(ctx, m, "mark delivered", `state = 'delivered'`)
}

func (s *sqlStore) MarkRetry(ctx context.Context, m store.Message, next time.Time, lastError string) error {
	return s.mark(ctx, m, "schedule a retry of", `next_attempt_at = $4, last_error = $5`, store.ToMS(next), lastError)
}

func (s *sqlStore) MarkDead(ctx context.Context, m store.Message, lastError string) error {
	return s.mark(ctx, m, "dead-letter", `state = 'dead', last_error = $4`, lastError)
}

// mark updates the leased message m with set (whose placeholders start at
// $4), if m's lease token still holds it.
func (s *sqlStore) mark(ctx context.Context, m store.Message, what, set string, args ...any) error {
	if err := store.CheckLeased(m); err != nil {
		return err
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		res, err := q.ExecContext(ctx, `
			UPDATE callspec_outbox SET `+set+`, lease_token = '', updated_at = $1
			WHERE id = $2 AND lease_token = $3 AND state = 'pending'`,
			append([]any{store.ToMS(s.now()), m.ID, m.LeaseToken}, args...)...)
		return oneRow(res, err)
	})
	if err != nil {
		return fmt.Errorf("%s message %s: %w", what, m.ID, err)
	}
	return nil
}

func (s *sqlStore) DeadLetters(ctx context.Context, limit int) ([]store.Message, error) {
	cols := strings.Replace(outboxColumns, "body", "NULL", 1)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+cols+` FROM callspec_outbox WHERE state = 'dead'
		ORDER BY updated_at DESC, id LIMIT $1`, store.NormLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return out, nil
}

func (s *sqlStore) Stats(ctx context.Context) (store.Stats, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT kind, state, COUNT(*) FROM callspec_outbox GROUP BY kind, state`)
	if err != nil {
		return store.Stats{}, fmt.Errorf("count outbox messages: %w", err)
	}
	defer rows.Close()
	var st store.Stats
	for rows.Next() {
		var (
			kind, state string
			n           int64
		)
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return store.Stats{}, fmt.Errorf("count outbox messages: %w", err)
		}
		st.Add(store.Kind(kind), store.State(state), n)
	}
	if err := rows.Err(); err != nil {
		return store.Stats{}, fmt.Errorf("count outbox messages: %w", err)
	}
	return st, nil
}

// filterSQL turns f into a WHERE clause whose placeholders start at $first.
func filterSQL(f store.Filter, first int) (string, []any) {
	where := []string{}
	var args []any
	arg := func(cond string, v any) {
		where = append(where, fmt.Sprintf(cond, first+len(args)))
		args = append(args, v)
	}
	if f.Kind != "" {
		arg("kind = $%d", string(f.Kind))
	}
	if f.WorkflowID != "" {
		arg("workflow_id = $%d", f.WorkflowID)
	}
	if !f.Since.IsZero() {
		arg("created_at >= $%d", store.ToMS(f.Since))
	}
	if f.State != "" {
		arg("state = $%d", string(f.State))
	} else {
		where = append(where, "state <> 'delivered'")
	}
	return strings.Join(where, " AND "), args
}

func (s *sqlStore) Messages(ctx context.Context, f store.Filter) ([]store.Message, error) {
	where, args := filterSQL(f, 2)
	cols := strings.Replace(outboxColumns, "body", "NULL", 1)
	rows, err := s.read.QueryContext(ctx, `SELECT `+cols+` FROM callspec_outbox WHERE `+where+`
		ORDER BY created_at, id LIMIT $1`, append([]any{store.ListLimit(f.Limit)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return out, nil
}

func (s *sqlStore) Requeue(ctx context.Context, id string) error {
	now := store.ToMS(s.now())
	var res sql.Result
	err := s.write(ctx, func(ctx context.Context, q querier) (err error) {
		res, err = q.ExecContext(ctx, `
		UPDATE callspec_outbox SET state = 'pending', attempts = 0, last_error = '', lease_token = '',
			next_attempt_at = $1, updated_at = $1,
			seq = CASE WHEN grp = '' THEN 0 ELSE (SELECT COALESCE(MAX(e.seq), 0) + 1 FROM callspec_outbox e
				WHERE e.kind = callspec_outbox.kind AND e.grp = callspec_outbox.grp) END
		WHERE id = $2 AND state = 'dead'`, now, id)
		return err
	})
	if err := oneRow(res, err); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			err = store.ErrNotDead
		}
		return fmt.Errorf("requeue %s: %w", id, err)
	}
	return nil
}

func (s *sqlStore) PurgeDead(ctx context.Context, f store.Filter, before time.Time) (int64, error) {
	f.State = store.Dead
	where, args := filterSQL(f, 2)
	var res sql.Result
	err := s.write(ctx, func(ctx context.Context, q querier) (err error) {
		res, err = q.ExecContext(ctx, `DELETE FROM callspec_outbox WHERE `+where+` AND updated_at < $1`,
			append([]any{store.ToMS(before)}, args...)...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge dead letters: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge dead letters: %w", err)
	}
	return n, nil
}

func (s *sqlStore) Prune(ctx context.Context, retention time.Duration) (store.Pruned, error) {
	if err := store.CheckRetention(retention); err != nil {
		return store.Pruned{}, err
	}
	cutoff := store.ToMS(s.now().Add(-retention))
	var n store.Pruned
	claims, err := s.pruneBatches(ctx, `
		DELETE FROM callspec_claims WHERE idempotency_key IN (
			SELECT idempotency_key FROM callspec_claims
			WHERE updated_at <= $1 AND lease_until <= $1
			LIMIT $2)`, cutoff)
	n.Claims = claims
	if err != nil {
		return n, fmt.Errorf("prune claims: %w", err)
	}
	messages, err := s.pruneBatches(ctx, `
		DELETE FROM callspec_outbox WHERE id IN (
			SELECT id FROM callspec_outbox
			WHERE state = 'delivered' AND updated_at <= $1
			LIMIT $2)`, cutoff)
	n.Messages = messages
	if err != nil {
		return n, fmt.Errorf("prune delivered messages: %w", err)
	}
	return n, nil
}

// pruneBatches runs a DELETE of at most pruneBatch rows ($2) older than
// cutoff ($1) until it deletes fewer, each batch its own transaction.
func (s *sqlStore) pruneBatches(ctx context.Context, stmt string, cutoff int64) (int64, error) {
	var total int64
	for {
		var res sql.Result
		err := s.write(ctx, func(ctx context.Context, q querier) (err error) {
			res, err = q.ExecContext(ctx, stmt, cutoff, store.PruneBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < store.PruneBatch {
			return total, nil
		}
	}
}

func (s *sqlStore) Close() error {
	if s.group != nil {
		// The writes under way finish before the statements and the pools
		// close.
		s.group.close()
		s.readStmts.close()
	}
	err := s.db.Close()
	if s.read != s.db {
		err = errors.Join(err, s.read.Close())
	}
	if s.closeDriver != nil {
		s.closeDriver()
	}
	return err
}

func scanMessages(rows *sql.Rows) ([]store.Message, error) {
	defer rows.Close()
	var out []store.Message
	for rows.Next() {
		var (
			m                      store.Message
			state                  string
			next, created, updated int64
			kind                   string
		)
		if err := rows.Scan(&m.ID, &kind, &m.WorkflowID, &m.Group, &m.URL, &m.SecretEnv, &m.Body, &m.Summary, &state, &m.Attempts, &m.MaxAttempts,
			&next, &m.LastError, &m.LeaseToken, &created, &updated); err != nil {
			return nil, err
		}
		m.State, m.Kind = store.State(state), store.Kind(kind)
		m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = store.FromMS(next), store.FromMS(created), store.FromMS(updated)
		out = append(out, m)
	}
	return out, rows.Err()
}

// oneRow turns an UPDATE that matched no row into ErrLeaseLost.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrLeaseLost
	}
	return nil
}
