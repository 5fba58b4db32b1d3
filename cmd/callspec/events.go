package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

func init() {
	register(&command{
		name:    "events",
		usage:   "list|retry|purge [IDs…] [--store sqlite:callspec.db] [--workflow ID] [--queue service|forward] [--dead] [--all] [--older-than 720h] [--format text|json]",
		summary: "The inbox (events for your service) and the outbox (forwards): list pending events and dead letters (metadata only, never field values), retry dead letters, purge old ones.",
		run:     runEvents,
	})
}

// eventRow is what `events list` shows of a message: metadata only.
type eventRow struct {
	ID        string    `json:"id"`
	Queue     string    `json:"queue"`
	Workflow  string    `json:"workflow"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	Max       int       `json:"max_attempts"`
	CreatedAt time.Time `json:"created_at"`
	NextAt    time.Time `json:"next_attempt_at,omitzero"`
	LastError string    `json:"last_error,omitempty"`
}

func runEvents(e *env, args []string) int {
	fs := flags(e, "events")
	dsn := fs.String("store", store.DefaultDSN, "the store serve uses: sqlite:FILE, postgres://…, redis://…")
	workflowID := fs.String("workflow", "", "only the events of this workflow")
	queue := fs.String("queue", "", "only this queue: service (the inbox) or forward (the outbox)")
	dead := fs.Bool("dead", false, "list: only dead letters")
	all := fs.Bool("all", false, "retry: every dead letter the filters select")
	olderThan := fs.Duration("older-than", 30*24*time.Hour, "purge: dead letters that died at least this long ago")
	format := fs.String("format", "text", "list: text or json")
	limit := fs.Int("limit", 100, "list: at most this many events")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return fail(e, "events: say what to do: callspec events list, retry or purge")
	}
	action, rest := fs.Arg(0), fs.Args()[1:]
	filter := store.Filter{WorkflowID: *workflowID, Kind: store.Kind(*queue), Limit: *limit}
	switch filter.Kind {
	case "", store.Service, store.Forward:
	default:
		return fail(e, "events: --queue %q is not a queue: use service (the inbox) or forward (the outbox)", *queue)
	}
	switch action {
	case "list", "retry", "purge":
	default:
		return fail(e, "events: %q is not an action: use list, retry or purge", action)
	}
	if action != "retry" && len(rest) > 0 {
		return fail(e, "events %s takes no ids (got %q); only retry does", action, rest[0])
	}
	if *format != "text" && *format != "json" {
		return fail(e, "events: --format %q is not a format: use text or json", *format)
	}
	st, err := storeopen.Open(*dsn)
	if err != nil {
		return fail(e, "open the store: %v", err)
	}
	defer st.Close()
	ctx := context.Background()
	switch action {
	case "list":
		if *dead {
			filter.State = store.Dead
		}
		ms, err := st.Messages(ctx, filter)
		if err != nil {
			return fail(e, "events list: %v", err)
		}
		rows := make([]eventRow, len(ms))
		for i, m := range ms {
			rows[i] = eventRow{ID: m.ID, Queue: string(m.Kind), Workflow: m.WorkflowID, State: string(m.State), Attempts: m.Attempts,
				Max: m.MaxAttempts, CreatedAt: m.CreatedAt, LastError: m.LastError}
			if m.State == store.Pending {
				rows[i].NextAt = m.NextAttemptAt
			}
		}
		if *format == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rows); err != nil {
				return fail(e, "events list: %v", err)
			}
			return exitOK
		}
		if len(rows) == 0 {
			fmt.Fprintln(e.stdout, "no events: the inbox and the outbox hold nothing pending or dead that the filters select")
			return exitOK
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tQUEUE\tWORKFLOW\tSTATE\tATTEMPTS\tCREATED\tNEXT ATTEMPT\tLAST ERROR")
		for _, r := range rows {
			next := "-"
			if !r.NextAt.IsZero() {
				next = r.NextAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", r.ID, r.Queue, r.Workflow, r.State, r.Attempts, r.Max,
				r.CreatedAt.Format(time.RFC3339), next, orDash(r.LastError))
		}
		tw.Flush()
	case "retry":
		ids := rest
		if *all == (len(ids) > 0) {
			return fail(e, "events retry: name the dead letters to retry (their ids from callspec events list --dead), or pass --all, not both")
		}
		if *all {
			filter.State, filter.Limit = store.Dead, 10000
			ms, err := st.Messages(ctx, filter)
			if err != nil {
				return fail(e, "events retry: %v", err)
			}
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
		}
		var failed []string
		for _, id := range ids {
			if err := st.Requeue(ctx, id); err != nil {
				if errors.Is(err, store.ErrNotDead) {
					fmt.Fprintf(e.stderr, "callspec: events retry: %s is not a dead letter (it is pending, delivered or unknown)\n", id)
				} else {
					fmt.Fprintf(e.stderr, "callspec: events retry: %v\n", err)
				}
				failed = append(failed, id)
				continue
			}
		}
		fmt.Fprintf(e.stdout, "requeued %d dead letters; a running callspec serve (or handler) attempts them within its poll interval\n", len(ids)-len(failed))
		if len(failed) > 0 {
			return exitError
		}
	case "purge":
		if *olderThan < 0 {
			return fail(e, "events purge: --older-than %v is negative", *olderThan)
		}
		n, err := st.PurgeDead(ctx, filter, time.Now().Add(-*olderThan))
		if err != nil {
			return fail(e, "events purge: %v", err)
		}
		fmt.Fprintf(e.stdout, "purged %d dead letters older than %v\n", n, *olderThan)
	}
	return exitOK
}

func orDash(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "-"
	}
	return s
}
