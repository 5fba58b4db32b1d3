package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

func init() {
	register(&command{
		name:    "stats",
		usage:   "[--store sqlite:callspec.db] [--since 7d] [--workflow ID] [--format text|json]",
		summary: "Completion and handoff rates per workflow, handoff reason, missing field and platform, from the metadata the store keeps (never field values).",
		run:     runStats,
	})
}

// workflowStats is what stats reports of one workflow.
type workflowStats struct {
	Workflow  string         `json:"workflow"`
	Calls     int            `json:"calls"`
	Completed int            `json:"completed"`
	Handoffs  int            `json:"handoffs"`
	Reasons   []countedName  `json:"handoff_reasons"`
	Missing   []countedName  `json:"missing_fields"`
	Invalid   []countedName  `json:"invalid_fields"`
	Platforms []platformStat `json:"platforms"`
}

type countedName struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type platformStat struct {
	Platform  string `json:"platform"`
	Calls     int    `json:"calls"`
	Completed int    `json:"completed"`
}

func runStats(e *env, args []string) int {
	fs := flags(e, "stats")
	dsn := fs.String("store", store.DefaultDSN, "the store serve uses: sqlite:FILE, postgres://…, redis://…")
	since := fs.String("since", "7d", "the window: calls stored this long ago or later (a Go duration, or days such as 7d)")
	workflowID := fs.String("workflow", "", "only this workflow")
	format := fs.String("format", "text", "text or json")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fail(e, "stats takes no arguments (got %q); choose a workflow with --workflow", fs.Arg(0))
	}
	window, err := parseSince(*since)
	if err != nil {
		return fail(e, "stats: --since: %v", err)
	}
	if *format != "text" && *format != "json" {
		return fail(e, "stats: --format %q is not a format: use text or json", *format)
	}
	st, err := storeopen.Open(*dsn)
	if err != nil {
		return fail(e, "open the store: %v", err)
	}
	defer st.Close()
	filter := store.Filter{Kind: store.Service, WorkflowID: *workflowID, Since: time.Now().Add(-window), Limit: 1_000_000}
	var ms []store.Message
	for _, state := range []store.State{store.Pending, store.Delivered, store.Dead} {
		filter.State = state
		part, err := st.Messages(context.Background(), filter)
		if err != nil {
			return fail(e, "stats: %v", err)
		}
		ms = append(ms, part...)
	}
	out := aggregate(ms)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(e, "stats: %v", err)
		}
		return exitOK
	}
	if len(out) == 0 {
		fmt.Fprintf(e.stdout, "no calls in the last %s\n", *since)
		return exitOK
	}
	writeStats(e.stdout, out)
	return exitOK
}

// parseSince reads a duration, with d for days.
func parseSince(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days such as 7d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 7d or 12h", s)
	}
	return d, nil
}

// aggregate counts the summaries of inbox entries per workflow. An entry
// without a summary (stored by a version before stats) counts as a call
// of unknown outcome only.
func aggregate(ms []store.Message) []workflowStats {
	type acc struct {
		ws                        workflowStats
		reasons, missing, invalid map[string]int
		platforms                 map[string]*platformStat
	}
	byWorkflow := map[string]*acc{}
	for _, m := range ms {
		a := byWorkflow[m.WorkflowID]
		if a == nil {
			a = &acc{ws: workflowStats{Workflow: m.WorkflowID}, reasons: map[string]int{}, missing: map[string]int{},
				invalid: map[string]int{}, platforms: map[string]*platformStat{}}
			byWorkflow[m.WorkflowID] = a
		}
		a.ws.Calls++
		var s handler.Summary
		if json.Unmarshal([]byte(m.Summary), &s) != nil {
			continue
		}
		p := a.platforms[s.Platform]
		if p == nil {
			p = &platformStat{Platform: s.Platform}
			a.platforms[s.Platform] = p
		}
		p.Calls++
		switch s.Event {
		case event.Completed:
			a.ws.Completed++
			p.Completed++
		case event.Handoff:
			a.ws.Handoffs++
			a.reasons[s.Reason]++
		}
		for _, f := range s.Missing {
			a.missing[f]++
		}
		for _, f := range s.Invalid {
			a.invalid[f]++
		}
	}
	out := make([]workflowStats, 0, len(byWorkflow))
	for _, a := range byWorkflow {
		a.ws.Reasons, a.ws.Missing, a.ws.Invalid = ranked(a.reasons), ranked(a.missing), ranked(a.invalid)
		a.ws.Platforms = []platformStat{}
		for _, p := range a.platforms {
			a.ws.Platforms = append(a.ws.Platforms, *p)
		}
		slices.SortFunc(a.ws.Platforms, func(x, y platformStat) int {
			return cmp.Or(cmp.Compare(y.Calls, x.Calls), cmp.Compare(x.Platform, y.Platform))
		})
		out = append(out, a.ws)
	}
	slices.SortFunc(out, func(x, y workflowStats) int { return cmp.Compare(x.Workflow, y.Workflow) })
	return out
}

// ranked orders names by count, most first, then by name.
func ranked(counts map[string]int) []countedName {
	out := make([]countedName, 0, len(counts))
	for name, n := range counts {
		out = append(out, countedName{Name: name, Count: n})
	}
	slices.SortFunc(out, func(x, y countedName) int { return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Name, y.Name)) })
	return out
}

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func writeStats(w io.Writer, out []workflowStats) {
	for i, ws := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %d calls\n", ws.Workflow, ws.Calls)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  completed\t%d\t%s\n", ws.Completed, percent(ws.Completed, ws.Calls))
		fmt.Fprintf(tw, "  handoff\t%d\t%s\n", ws.Handoffs, percent(ws.Handoffs, ws.Calls))
		for _, r := range ws.Reasons {
			fmt.Fprintf(tw, "    %s\t%d\t%s\n", r.Name, r.Count, percent(r.Count, ws.Calls))
		}
		tw.Flush()
		for _, list := range []struct {
			what  string
			names []countedName
		}{{"missing fields", ws.Missing}, {"invalid fields", ws.Invalid}} {
			if len(list.names) == 0 {
				continue
			}
			parts := make([]string, len(list.names))
			for i, n := range list.names {
				parts[i] = fmt.Sprintf("%s %d", n.Name, n.Count)
			}
			fmt.Fprintf(w, "  %s: %s\n", list.what, strings.Join(parts, ", "))
		}
		fmt.Fprintln(w, "  platforms:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, p := range ws.Platforms {
			fmt.Fprintf(tw, "    %s\t%d calls\t%s completed\n", p.Platform, p.Calls, percent(p.Completed, p.Calls))
		}
		tw.Flush()
	}
}
