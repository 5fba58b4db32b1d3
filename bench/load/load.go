package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
)

// Config is one load test run.
type Config struct {
	// Duration of the load phase; afterwards deliveries that were not
	// accepted are retried, as a platform would, before checking.
	Duration time.Duration
	// Conns is the number of concurrent connections (one worker each).
	Conns int
	// Store is sqlite, postgres, redis or memory.
	Store string
	// Postgres and Redis are the servers used for those stores; a fresh
	// schema or key prefix is made in them and removed afterwards.
	Postgres, Redis string
	// Duplicates and BadSignatures are the shares of requests that repeat
	// an earlier delivery byte for byte, or carry a new delivery signed
	// with the wrong secret.
	Duplicates, BadSignatures float64
	// Provider is the platform whose format and signature are used.
	Provider string
	// Callspec is a callspec binary; empty builds one from Root.
	Callspec string
	// Root is the module root (holding go.mod and workflows/).
	Root string
	// Dir keeps the binary, the store file, the events file and the
	// server's logs; empty uses a temporary directory removed afterwards.
	Dir string
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Floor also drives a floor handler (net/http, the platform's HMAC
	// check and an encoding/json decode; no store, no workflow) with the
	// same load after the server, in the same run, for the ratio.
	Floor bool
}

// Result is what a run measured and verified.
type Result struct {
	Store       string         `json:"store"`
	Duration    time.Duration  `json:"duration_ns"`
	Conns       int            `json:"conns"`
	Requests    int            `json:"requests"`
	ByStatus    map[int]int    `json:"by_status"`
	Throughput  float64        `json:"requests_per_second"`
	Latency     map[string]int `json:"latency_us"` // p50, p90, p99, max
	Unique      int            `json:"unique_deliveries"`
	Duplicates  int            `json:"duplicates"`
	BadSigned   int            `json:"bad_signatures"`
	Retried     int            `json:"retried_after_run"`
	Events      int            `json:"events_written"`
	Problems    []string       `json:"problems"`
	Transport   int            `json:"transport_errors"`
	DupMismatch int            `json:"duplicate_answer_mismatches"`
	// ServerCPU is the user+sys CPU time of the callspec serve process,
	// from its start to its exit (the drain after the load included).
	ServerCPU time.Duration `json:"server_cpu_ns"`
	Floor     *FloorResult  `json:"floor,omitempty"`
}

// OK reports whether the run verified: every accepted delivery was seen by
// the service exactly once and nothing signed badly was stored.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// Secrets the server is started with. CRM_WEBHOOK_SECRET is deliberately
// absent: the workflow forwards to crm.example.com, and without the
// secret the forwarding worker records a failed attempt instead of
// sending the load test's events to the internet.
const (
	goodSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	wrongSecret = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCBhdCBhbGw="
)

// delivery is one request the platform sends.
type delivery struct {
	callID string
	body   []byte
	header http.Header
	bad    bool
}

// sample is one request's outcome.
type sample struct {
	callID  string
	status  int
	latency time.Duration
	answer  []byte
	dup     bool
}

// Run builds and starts `callspec serve`, drives it for cfg.Duration and
// verifies the events file afterwards.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	p, err := providers.Lookup(cfg.Provider)
	if err != nil {
		return nil, err
	}
	dir := cfg.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "callspec-load-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	bin := cfg.Callspec
	if bin == "" {
		bin = filepath.Join(dir, "callspec")
		logf("building callspec into %s", bin)
		if err := Build(ctx, cfg.Root, bin); err != nil {
			return nil, err
		}
	}
	dsn, cleanup, err := storeDSN(ctx, cfg, dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	eventsFile := filepath.Join(dir, "events.jsonl")
	os.Remove(eventsFile)
	srv, base, err := startServe(ctx, bin, cfg.Root, dir, dsn, eventsFile)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	target := base + "/hooks/" + intake.Definition().ID + "/" + p.Name()
	logf("callspec serve (store %s) listens at %s", cfg.Store, base)

	client := newClient(cfg.Conns)
	run := strings.ToLower(rand.Text()[:8])
	samples, sent, elapsed, err := drive(ctx, cfg, p, client, target, run)
	if err != nil {
		return nil, err
	}

	res := &Result{Store: cfg.Store, Duration: elapsed, Conns: cfg.Conns, ByStatus: map[int]int{}}
	first := map[string][]byte{} // the first 200 answer per call id
	accepted := map[string]bool{}
	bad := map[string]bool{}
	res.Requests, res.Throughput, res.Latency = summarize(samples, elapsed, res.ByStatus)
	res.Transport = res.ByStatus[0]
	for _, ss := range samples {
		for _, s := range ss {
			if s.dup && s.status != 0 {
				res.Duplicates++
			}
			if s.status == http.StatusOK {
				accepted[s.callID] = true
			}
		}
	}
	// Compare every duplicate's answer with the first answer of its call.
	for _, ss := range samples {
		for _, s := range ss {
			if s.status == http.StatusOK && !s.dup {
				first[s.callID] = s.answer
			}
		}
	}
	for _, ss := range samples {
		for _, s := range ss {
			if s.status == http.StatusOK && s.dup && first[s.callID] != nil && !bytes.Equal(first[s.callID], s.answer) {
				res.DupMismatch++
			}
		}
	}

	// Deliveries not accepted during the run (a 409 while a duplicate was
	// in flight, a timeout) are retried as the platform would.
	good := map[string]delivery{}
	for _, d := range sent {
		good[d.callID] = d
	}
	for _, ss := range samples {
		for _, s := range ss {
			if _, ok := good[s.callID]; !ok && s.status != 0 {
				bad[s.callID] = true
			}
		}
	}
	res.Unique = len(good)
	res.BadSigned = len(bad)
	for id := range good {
		for attempt := 0; !accepted[id]; attempt++ {
			if attempt == 20 {
				res.Problems = append(res.Problems, fmt.Sprintf("delivery %s was never accepted", id))
				break
			}
			res.Retried++
			resigned, err := newDelivery(p, id, false)
			if err != nil {
				return nil, err
			}
			if s := post(ctx, client, target, resigned); s.status == http.StatusOK {
				accepted[id] = true
			} else {
				time.Sleep(200 * time.Millisecond) // the platform's retry interval
			}
		}
	}
	for id := range bad {
		if accepted[id] {
			res.Problems = append(res.Problems, fmt.Sprintf("delivery %s, signed with the wrong secret, was accepted", id))
		}
	}
	if err := srv.stop(); err != nil {
		res.Problems = append(res.Problems, err.Error())
	}
	if ps := srv.cmd.ProcessState; ps != nil {
		res.ServerCPU = ps.UserTime() + ps.SystemTime()
	}

	// The service's view: every event the handler passed it.
	seen, err := readEvents(eventsFile)
	if err != nil {
		return nil, err
	}
	for _, n := range seen {
		res.Events += n
	}
	res.Problems = append(res.Problems, verify(good, bad, seen)...)
	if res.DupMismatch > 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("%d duplicates were answered differently from their first delivery", res.DupMismatch))
	}
	if cfg.Floor {
		if res.Floor, err = runFloor(ctx, cfg, p, run, logf); err != nil {
			return nil, err
		}
	}
	if len(res.Problems) > 20 {
		res.Problems = append(res.Problems[:20], fmt.Sprintf("… and %d more problems", len(res.Problems)-20))
	}
	return res, nil
}

func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			IdleConnTimeout: time.Minute,
		},
	}
}

// drive posts deliveries to target from cfg.Conns connections for
// cfg.Duration: new ones, byte-for-byte duplicates and badly signed ones
// in cfg's shares. It returns each connection's samples, the good
// deliveries sent and the time it took.
func drive(ctx context.Context, cfg Config, p providers.Adapter, client *http.Client, target, run string) ([][]sample, []delivery, time.Duration, error) {
	var (
		mu      sync.Mutex
		sent    []delivery // good deliveries, for duplicates
		samples = make([][]sample, cfg.Conns)
		encErr  error
	)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for w := range cfg.Conns {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				var d delivery
				dup := false
				r := rng.Float64()
				mu.Lock()
				if r < cfg.Duplicates && len(sent) > 0 {
					d, dup = sent[rng.IntN(len(sent))], true
				}
				mu.Unlock()
				if !dup {
					bad := r >= cfg.Duplicates && r < cfg.Duplicates+cfg.BadSignatures
					var err error
					if d, err = newDelivery(p, fmt.Sprintf("load-%s-%03d-%06d", run, w, n), bad); err != nil {
						mu.Lock()
						encErr = fmt.Errorf("encode a delivery: %w", err)
						mu.Unlock()
						return
					}
					if !bad {
						mu.Lock()
						sent = append(sent, d)
						mu.Unlock()
					}
				}
				s := post(ctx, client, target, d)
				s.dup = dup
				samples[w] = append(samples[w], s)
			}
		})
	}
	wg.Wait()
	return samples, sent, time.Since(start), encErr
}

// summarize counts samples by status and returns the number of requests,
// the answered requests per second and the latency quantiles (µs) of the
// answered ones.
func summarize(samples [][]sample, elapsed time.Duration, byStatus map[int]int) (requests int, throughput float64, latency map[string]int) {
	var latencies []time.Duration
	for _, ss := range samples {
		for _, s := range ss {
			requests++
			byStatus[s.status]++
			if s.status != 0 {
				latencies = append(latencies, s.latency)
			}
		}
	}
	slices.Sort(latencies)
	latency = map[string]int{}
	for name, q := range map[string]float64{"p50": 0.50, "p90": 0.90, "p99": 0.99, "max": 1} {
		latency[name] = int(quantile(latencies, q) / time.Microsecond)
	}
	return requests, float64(len(latencies)) / elapsed.Seconds(), latency
}

// Build compiles callspec from the module at root into bin.
func Build(ctx context.Context, root, bin string) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/callspec")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build callspec: %v\n%s", err, out)
	}
	return nil
}

func newDelivery(p providers.Adapter, callID string, bad bool) (delivery, error) {
	in := &event.Inbound{
		Call:       event.Call{ID: callID, Provider: p.Name(), Status: "completed", Direction: "inbound", DurationS: 95},
		CallerFrom: "+15551234567", CallerPhone: "+15551234567", CalledTo: "+15550000000",
		Fields: map[string]any{"issue_type": "leak", "location": "kitchen sink", "urgency": "routine", "permission_to_enter": true},
	}
	body, err := p.Encode(in, intake.Definition())
	if err != nil {
		return delivery{}, err
	}
	secret := goodSecret
	if bad {
		secret = wrongSecret
	}
	h, err := p.Sign([]byte(secret), body, time.Now())
	if err != nil {
		return delivery{}, err
	}
	h.Set("Content-Type", "application/json")
	return delivery{callID: callID, body: body, header: h, bad: bad}, nil
}

func post(ctx context.Context, client *http.Client, target string, d delivery) sample {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(d.body))
	if err != nil {
		return sample{callID: d.callID}
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return sample{callID: d.callID, latency: time.Since(start)}
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return sample{callID: d.callID, status: resp.StatusCode, latency: time.Since(start), answer: answer}
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// verify compares what the service saw (events per call id) with what was
// sent: each good delivery exactly once, no bad one, nothing else.
func verify[D any](good map[string]D, bad map[string]bool, seen map[string]int) []string {
	var problems []string
	for _, id := range sortedKeys(good) {
		if seen[id] != 1 {
			problems = append(problems, fmt.Sprintf("delivery %s reached the service %d times, want exactly once", id, seen[id]))
		}
	}
	for _, id := range sortedKeys(bad) {
		if seen[id] != 0 {
			problems = append(problems, fmt.Sprintf("delivery %s, signed with the wrong secret, reached the service %d times", id, seen[id]))
		}
	}
	for _, id := range sortedKeys(seen) {
		if _, ok := good[id]; !ok && !bad[id] {
			problems = append(problems, fmt.Sprintf("the service saw %s, which was never sent", id))
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readEvents counts the events per call id in the --events file.
func readEvents(path string) (map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the events file: %w", err)
	}
	defer f.Close()
	seen := map[string]int{}
	lines := bufio.NewScanner(f)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		var ev event.Event
		if err := json.Unmarshal(lines.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("the events file holds a line that is not an event: %w", err)
		}
		seen[ev.Call.ID]++
	}
	return seen, lines.Err()
}

// server is a running `callspec serve`.
type server struct {
	cmd  *exec.Cmd
	once sync.Once
	err  error
}

func (s *server) stop() error {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				s.err = fmt.Errorf("callspec serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			s.err = errors.New("callspec serve did not stop within 30 s of SIGTERM")
		}
	})
	return s.err
}

func startServe(ctx context.Context, bin, root, dir, dsn, eventsFile string) (*server, string, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--store", dsn, "--events", eventsFile, "workflows")
	cmd.Dir = root
	// Every platform of maintenance_report_intake gets goodSecret, under
	// the variable its Definition names (Retell's API key, Bland's secret
	// and the webhook secret); the caller's own values are dropped.
	secretEnv := map[string]bool{}
	for _, p := range intake.Definition().Platforms {
		secretEnv[p.SecretEnv] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		name := strings.SplitN(kv, "=", 2)[0]
		if !strings.HasSuffix(name, "_WEBHOOK_SECRET") && !secretEnv[name] {
			env = append(env, kv)
		}
	}
	for name := range secretEnv {
		env = append(env, name+"="+goodSecret)
	}
	cmd.Env = env
	logs, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start callspec serve: %w", err)
	}
	s := &server{cmd: cmd}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), "listening on "); ok {
			base, _, _ := strings.Cut(rest, " ")
			// Keep draining stdout: the server prints a line per event.
			go func() {
				for lines.Scan() {
				}
				logs.Close()
			}()
			return s, base, nil
		}
	}
	s.stop()
	b, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
	return nil, "", fmt.Errorf("callspec serve exited before it listened:\n%s", b)
}

// storeDSN prepares an empty store of the configured kind.
func storeDSN(ctx context.Context, cfg Config, dir string) (string, func(), error) {
	nothing := func() {}
	suffix := strings.ToLower(rand.Text()[:10])
	switch cfg.Store {
	case "memory":
		return "memory:", nothing, nil
	case "sqlite":
		path := filepath.Join(dir, "callspec.db")
		for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(path + ext)
		}
		return "sqlite:" + path, nothing, nil
	case "postgres":
		if cfg.Postgres == "" {
			return "", nil, errors.New("the postgres store needs a server: set -postgres or CALLSPEC_TEST_POSTGRES")
		}
		schema := "callspec_load_" + suffix
		exec := func(stmt string) error {
			c, err := pgx.Connect(ctx, cfg.Postgres)
			if err != nil {
				return err
			}
			defer c.Close(context.Background())
			_, err = c.Exec(ctx, stmt)
			return err
		}
		if err := exec("CREATE SCHEMA " + schema); err != nil {
			return "", nil, fmt.Errorf("create a schema for the load test: %w", err)
		}
		u, err := url.Parse(cfg.Postgres)
		if err != nil {
			return "", nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), func() { exec("DROP SCHEMA " + schema + " CASCADE") }, nil
	case "redis":
		if cfg.Redis == "" {
			return "", nil, errors.New("the redis store needs a server: set -redis or CALLSPEC_TEST_REDIS")
		}
		prefix := "callspec:load:" + suffix + ":"
		u, err := url.Parse(cfg.Redis)
		if err != nil {
			return "", nil, err
		}
		q := u.Query()
		q.Set("key_prefix", prefix)
		u.RawQuery = q.Encode()
		return u.String(), func() {
			opts, err := redis.ParseURL(cfg.Redis)
			if err != nil {
				return
			}
			c := redis.NewClient(opts)
			defer c.Close()
			iter := c.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
			for iter.Next(context.Background()) {
				c.Del(context.Background(), iter.Val())
			}
		}, nil
	}
	return "", nil, fmt.Errorf("unknown store %q: use sqlite, postgres, redis or memory", cfg.Store)
}

// Report writes the result as the text bench/README.md shows.
func (r *Result) Report(w io.Writer) {
	codes := make([]int, 0, len(r.ByStatus))
	for c := range r.ByStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "transport error"
		}
		parts = append(parts, fmt.Sprintf("%s: %d", name, r.ByStatus[c]))
	}
	ms := func(us int) string { return fmt.Sprintf("%.1f ms", float64(us)/1000) }
	fmt.Fprintf(w, "store %s, %d connections, %v\n", r.Store, r.Conns, r.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "  requests    %d (%s)\n", r.Requests, strings.Join(parts, ", "))
	fmt.Fprintf(w, "  throughput  %.0f requests/s\n", r.Throughput)
	fmt.Fprintf(w, "  latency     p50 %s, p90 %s, p99 %s, max %s\n", ms(r.Latency["p50"]), ms(r.Latency["p90"]), ms(r.Latency["p99"]), ms(r.Latency["max"]))
	fmt.Fprintf(w, "  deliveries  %d unique, %d exact duplicates, %d signed with a wrong secret; %d retried after the run\n", r.Unique, r.Duplicates, r.BadSigned, r.Retried)
	fmt.Fprintf(w, "  service     %d events for %d unique deliveries\n", r.Events, r.Unique)
	if r.ServerCPU > 0 && r.Unique > 0 {
		fmt.Fprintf(w, "  server CPU  %.2f s user+sys, %.0f µs per unique delivery (start to exit, drain included)\n", r.ServerCPU.Seconds(), float64(r.ServerCPU.Microseconds())/float64(r.Unique))
	}
	if f := r.Floor; f != nil {
		fmt.Fprintf(w, "  floor       %.0f requests/s, p50 %s, p99 %s (net/http + signature check + JSON decode, same load, same run); serve/floor %.2f×\n",
			f.Throughput, ms(f.Latency["p50"]), ms(f.Latency["p99"]), r.Throughput/f.Throughput)
	}
	if r.OK() {
		fmt.Fprintln(w, "  verified    each unique delivery reached the service exactly once; no badly signed delivery was stored; every duplicate got the first answer")
		return
	}
	fmt.Fprintln(w, "  FAILED")
	for _, p := range r.Problems {
		fmt.Fprintln(w, "   -", p)
	}
}
