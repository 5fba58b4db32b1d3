package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/runtime/forward"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/logging"
	"github.com/callspec/callspec/runtime/metrics"
	"github.com/callspec/callspec/runtime/server"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

func init() {
	register(&command{
		name:    "serve",
		usage:   "[paths…] [--addr 127.0.0.1:8080] [--store sqlite:callspec.db|postgres://…|redis://…|memory:] [--read-timeout 20s …]",
		summary: "Run every workflow's webhook handler locally at <webhook.url path>/<platform>, for each target.",
		run:     runServe,
		// A long-running server keeps Go's default.
		gcPercent: 100,
	})
}

// route is one served handler.
type route struct {
	Workflow string `json:"workflow"`
	Provider string `json:"provider"`
	Path     string `json:"path"`
}

func runServe(e *env, args []string) int {
	fs := flags(e, "serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dsn := fs.String("store", store.DefaultDSN, "idempotency and outbox store: sqlite:FILE, postgres://…, redis://… or memory:")
	eventsFile := fs.String("events", "", "append every event as one JSON line to this file (it holds personal data: for local testing only)")
	var limits server.Config
	fs.DurationVar(&limits.ReadHeaderTimeout, "header-timeout", server.DefaultReadHeaderTimeout, "close a connection whose request line and headers take longer")
	fs.DurationVar(&limits.ReadTimeout, "read-timeout", server.DefaultReadTimeout, "close a connection whose whole request, headers and body, takes longer (a body sent slowly, or announced and not sent)")
	fs.DurationVar(&limits.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "close a connection whose answer is not written this long after its headers were read; longer than --read-timeout")
	fs.DurationVar(&limits.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close a keep-alive connection that sends no new request for this long")
	fs.IntVar(&limits.MaxConns, "max-conns", server.DefaultMaxConns, "connections open at once; more wait until one closes")
	retention := fs.Duration("retention", store.DefaultRetention, "keep completed deliveries (which answer duplicates and refuse replays) and delivered forwards this long, then prune them; at least 168h")
	var lf lintFlags
	lf.add(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	mux := http.NewServeMux()
	srv, err := server.New(mux, limits)
	if err != nil {
		return fail(e, "serve: %v", err)
	}
	if err := store.CheckRetention(*retention); err != nil {
		return fail(e, "serve: --retention: %v", err)
	}
	res, code, ok := lf.lint(e, paths(fs))
	if !ok {
		return code
	}
	if res.HasAtLeast(diag.Error) {
		fmt.Fprintln(e.stderr, "callspec: serve refused: lint found errors; run `callspec lint`")
		return exitFindings
	}
	st, err := storeopen.Open(*dsn)
	if err != nil {
		return fail(e, "open the store: %v", err)
	}
	defer st.Close()
	logger := slog.New(slog.NewJSONHandler(e.stderr, nil))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	meter := metrics.New(st)
	worker, err := forward.New(forward.Config{Store: st, Logger: logger, Observe: meter.Observe})
	if err != nil {
		return fail(e, "%v", err)
	}
	// One inbox worker calls the services of every workflow of the store.
	inboxWorker, err := inbox.New(inbox.Config{Store: st, Logger: logger, Observe: meter.Observe})
	if err != nil {
		return fail(e, "%v", err)
	}
	var sink *eventSink
	if *eventsFile != "" {
		f, err := os.OpenFile(*eventsFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fail(e, "open --events file: %v", err)
		}
		defer f.Close()
		sink = &eventSink{w: f}
	}

	var routes []route
	taken := map[string]string{} // path → the workflow served there
	for _, u := range res.Units {
		def := u.IR.Definition()
		compiled, err := workflow.Compile(def)
		if err != nil {
			return fail(e, "workflow %s: %v", def.ID, err)
		}
		// The paths Mount serves in the generated package and the platform
		// configs post to: <webhook.url path>/<platform>, for each target.
		for _, name := range u.IR.Targets {
			platform := def.Platform(name)
			secret := e.getenv(platform.SecretEnv)
			if secret == "" {
				fmt.Fprintf(e.stderr, "callspec: skipping %s/%s: set $%s to the platform's webhook secret\n", def.ID, name, platform.SecretEnv)
				continue
			}
			path, err := workflow.HookPath(u.IR.Webhook.URL, name)
			if err != nil {
				fmt.Fprintf(e.stderr, "callspec: skipping %s/%s: %v\n", def.ID, name, err)
				continue
			}
			if other, ok := taken[path]; ok {
				fmt.Fprintf(e.stderr, "callspec: skipping %s/%s: workflow %s is served at %s already; give the two workflows different webhook.url paths\n", def.ID, name, other, path)
				continue
			}
			p, err := providers.Lookup(name)
			if err != nil {
				fmt.Fprintf(e.stderr, "callspec: skipping %s/%s: %v\n", def.ID, name, err)
				continue
			}
			h, err := handler.New(compiled, handler.Config{
				Provider: p, Auth: platform.Auth, Secret: []byte(secret), Store: st, Logger: logger, Enqueued: worker.Notify,
				PreviousSecret: []byte(e.getenv(platform.SecretEnv + workflow.PreviousSecretSuffix)),
				Inbox:          inboxWorker, Metrics: meter,
			}, devService(e.stdout, sink))
			if err != nil {
				fmt.Fprintf(e.stderr, "callspec: skipping %s/%s: %v\n", def.ID, name, err)
				continue
			}
			taken[path] = def.ID
			routes = append(routes, route{Workflow: def.ID, Provider: name, Path: handler.Handle(mux, path, h)})
		}
	}
	// Liveness: the process answers. Readiness (below) says whether it can
	// take deliveries.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		switch _, err := st.Stats(r.Context()); {
		case len(routes) == 0:
			writeJSON(w, http.StatusServiceUnavailable, readiness{Reason: "no workflow is served: set each workflow's webhook signing secret (serve printed which) and start serve again"})
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, readiness{Routes: len(routes), Reason: "the idempotency store is unavailable"})
		default:
			writeJSON(w, http.StatusOK, readiness{Ready: true, Routes: len(routes)})
		}
	})
	mux.Handle("GET /metrics", meter.Handler())
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		status, err := serveStatus(r.Context(), st, routes)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, errorAnswer{Error: "the idempotency store is unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, status)
	})
	// Every other path and method: a JSON answer too, which says what is
	// served, since a platform pointed at a wrong path shows only the body.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorAnswer{Error: fmt.Sprintf("nothing is served at %s %s; deliveries are POST requests to <webhook.url path>/<platform> (GET /status lists the routes)", r.Method, r.URL.Path)})
	})

	ln, err := srv.Listen(*addr)
	if err != nil {
		return fail(e, "listen on %s: %v", *addr, err)
	}
	fmt.Fprintf(e.stdout, "callspec serve: listening on http://%s with %d routes (store %s); GET /status, GET /healthz, GET /readyz\n", ln.Addr(), len(routes), store.RedactDSN(*dsn))
	c := srv.Config()
	fmt.Fprintf(e.stdout, "  limits: header %v, read %v, write %v, idle %v, %d connections; retention %v\n",
		c.ReadHeaderTimeout, c.ReadTimeout, c.WriteTimeout, c.IdleTimeout, c.MaxConns, *retention)
	for _, r := range routes {
		fmt.Fprintf(e.stdout, "  POST %s\n", r.Path)
	}
	var wg sync.WaitGroup
	wg.Go(func() { worker.Run(ctx) })
	wg.Go(func() { inboxWorker.Run(ctx) })
	wg.Go(func() { _ = store.Pruner{Store: st, Retention: *retention, Logger: logger}.Run(ctx) })
	err = srv.Serve(ctx, ln)
	stop()
	wg.Wait()
	// Events accepted just before the stop are handed to the service now
	// rather than at the next start.
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), 30*time.Second)
	if err := inboxWorker.Drain(drainCtx); err != nil {
		fmt.Fprintf(e.stderr, "callspec serve: events left in the inbox for the next start: %v\n", err)
	}
	cancelDrain()
	if err != nil {
		return fail(e, "serve: %v", err)
	}
	fmt.Fprintln(e.stdout, "callspec serve: stopped")
	return exitOK
}

// devService prints one line per event (no personal data) and, with
// --events, appends the whole event.
func devService(out io.Writer, sink *eventSink) handler.Dispatch {
	var mu sync.Mutex
	return func(ctx context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		// The call id comes from the platform, which may put a phone
		// number or an address in it.
		line := fmt.Sprintf("%s %s call=%s", ev.Event, ev.WorkflowID, logging.Mask(ev.Call.ID))
		if ev.Handoff != nil {
			line += fmt.Sprintf(" handoff=%s severity=%s owner=%s", ev.Handoff.Reason, ev.Handoff.Severity, ev.Handoff.Owner)
		} else {
			line += " next_action=" + ev.NextAction
		}
		fmt.Fprintln(out, line)
		if sink != nil {
			return sink.write(ev)
		}
		return nil
	}
}

type eventSink struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *eventSink) write(ev *event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = s.w.Write(append(b, '\n'))
	return err
}

// readiness is the answer of GET /readyz.
type readiness struct {
	Ready  bool   `json:"ready"`
	Routes int    `json:"routes"`
	Reason string `json:"reason,omitempty"`
}

type errorAnswer struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

type deadLetter struct {
	ID        string    `json:"id"`
	Workflow  string    `json:"workflow"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	UpdatedAt time.Time `json:"updated_at"`
}

type status struct {
	Routes      []route      `json:"routes"`
	Outbox      store.Stats  `json:"outbox"`
	DeadLetters []deadLetter `json:"dead_letters"`
}

func serveStatus(ctx context.Context, st store.Store, routes []route) (*status, error) {
	stats, err := st.Stats(ctx)
	if err != nil {
		return nil, err
	}
	dead, err := st.DeadLetters(ctx, 100)
	if err != nil {
		return nil, err
	}
	out := &status{Routes: routes, Outbox: stats, DeadLetters: []deadLetter{}}
	for _, m := range dead {
		out.DeadLetters = append(out.DeadLetters, deadLetter{ID: m.ID, Workflow: m.WorkflowID, Attempts: m.Attempts, LastError: m.LastError, UpdatedAt: m.UpdatedAt})
	}
	return out, nil
}
