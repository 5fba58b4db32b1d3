// Package providertest is the shared harness of the provider tests: the
// repository's workflows, the decision a handler would make, validation
// of the resulting event against the workflow's generated JSON Schema,
// golden files (internal/golden; a config a workflow targets is checked against generated/), leak checks on notes and errors, the fuzz
// property every adapter must hold, and sign/verify round trips.
package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/emit/eventschema"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/configs"
)

// Root returns the module root (the directory holding go.mod).
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Vendors returns shared/vendors next to the module, or next to one of
// its parent directories (a git worktree kept in a folder beside the main
// checkout), skipping the test when there is none.
func Vendors(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv(VendorsEnv); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			tb.Fatalf("%s=%s: %v; point it at the directory of the vendors' API descriptions", VendorsEnv, dir, err)
		}
		return dir
	}
	for dir := filepath.Dir(Root(tb)); ; dir = filepath.Dir(dir) {
		vendors := filepath.Join(dir, "shared", "vendors")
		if _, err := os.Stat(vendors); err == nil {
			return vendors
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	tb.Skipf("shared/vendors not found beside %s or a parent: the vendors' API descriptions live in ../shared/vendors next to the repository (or set %s to their directory)", Root(tb), VendorsEnv)
	return ""
}

// VendorsEnv names the directory of the vendors' API descriptions when it
// is not ../shared/vendors (a git worktree elsewhere).
const VendorsEnv = "CALLSPEC_VENDORS"

// Workflow is a checked workflow with its compiled run-time form.
type Workflow struct {
	IR       *ir.Workflow
	Def      *workflow.Definition
	Compiled *workflow.Compiled
	outcome  *jsonschema.Schema
	handoff  *jsonschema.Schema
}

var (
	loadOnce sync.Once
	loaded   map[string]*Workflow
	loadErr  error
)

// Workflows loads every spec under workflows/ (without the quality-gate
// rules, which need not pass for decoding), keyed by workflow id.
func Workflows(tb testing.TB) map[string]*Workflow {
	tb.Helper()
	root := Root(tb)
	loadOnce.Do(func() { loaded, loadErr = load(root) })
	if loadErr != nil {
		tb.Fatal(loadErr)
	}
	return loaded
}

// IDs returns the workflow ids, sorted.
func IDs(tb testing.TB) []string {
	var ids []string
	for id := range Workflows(tb) {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Get returns one workflow.
func Get(tb testing.TB, id string) *Workflow {
	tb.Helper()
	w, ok := Workflows(tb)[id]
	if !ok {
		tb.Fatalf("workflow %s not found under workflows/", id)
	}
	return w
}

func load(root string) (map[string]*Workflow, error) {
	paths, err := filepath.Glob(filepath.Join(root, "workflows", "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := map[string]*Workflow{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s, findings := spec.Load(filepath.ToSlash(p), b)
		if s == nil {
			return nil, fmt.Errorf("%s does not load", p)
		}
		u, more := check.Check(s)
		for _, f := range append(findings, more...) {
			if f.Severity >= diag.Error {
				return nil, fmt.Errorf("%s: %s", p, f.Message)
			}
		}
		w := &Workflow{IR: u.IR, Def: u.IR.Definition()}
		if w.Compiled, err = workflow.Compile(w.Def); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if w.outcome, err = compileSchema(u.IR, eventschema.Outcome); err != nil {
			return nil, err
		}
		if w.handoff, err = compileSchema(u.IR, eventschema.Handoff); err != nil {
			return nil, err
		}
		out[u.IR.ID] = w
	}
	if len(out) == 0 {
		return nil, errors.New("no workflows found under workflows/")
	}
	return out, nil
}

// compileSchema compiles the schema the build writes to
// generated/<id>/outcome.schema.json or handoff.schema.json, made by the
// same emitter so the test never reads a stale file.
func compileSchema(w *ir.Workflow, emit func(*ir.Workflow) ([]byte, error)) (*jsonschema.Schema, error) {
	b, err := emit(w)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	// Formats are asserted: the handler's validation is as strict as the
	// schema's email, date and date-time formats.
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "urn:callspec:test:" + w.ID
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Decide runs the handler's decision on an inbound call, unsigned as in
// callspec decode, and validates the event against the workflow's
// schema. It returns the event.
func (w *Workflow) Decide(tb testing.TB, in *event.Inbound) *event.Event {
	tb.Helper()
	ev, err := w.DecideErr(in)
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

// DecideErr is Decide returning errors instead of failing the test.
func (w *Workflow) DecideErr(in *event.Inbound) (*event.Event, error) {
	key, err := w.Compiled.IdempotencyKey(in)
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	ev := w.Compiled.Decide(in, key, event.SignatureUnsigned).Event
	return ev, w.Validate(ev)
}

// Validate checks an event against the workflow's outcome or handoff
// schema.
func (w *Workflow) Validate(ev *event.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	s := w.outcome
	if ev.Event == event.Handoff {
		s = w.handoff
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("event does not validate against the %s schema of %s: %v\n%s", ev.Event, w.IR.ID, err, b)
	}
	return nil
}

// Golden compares got with testdata/<name>.golden, or rewrites it under
// -update (internal/golden).
func Golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	golden.Check(tb, filepath.Join("testdata", name+".golden"), got)
}

// ReadTestdata reads testdata/name.
func ReadTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Payloads returns the testdata/*.json files, sorted.
func Payloads(tb testing.TB) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(m)
	return m
}

var (
	digitsRun = regexp.MustCompile(`[0-9][0-9 ()+.-]{5,}[0-9]`)
	emailLike = regexp.MustCompile(`[^\s"@]+@[^\s"@]+`)
)

// Sensitive collects the values of body that are personal data or
// free text: phone-number-like digit runs, email addresses and strings of
// 24 characters or more (transcripts, summaries).
func Sensitive(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if len(x) >= 24 {
				out = append(out, x)
			}
			out = append(out, digitsRun.FindAllString(x, -1)...)
			out = append(out, emailLike.FindAllString(x, -1)...)
			if inner := strings.TrimSpace(x); strings.HasPrefix(inner, "{") {
				out = append(out, Sensitive([]byte(inner))...)
			}
		}
	}
	walk(v)
	return out
}

// NoLeak fails when any text holds a sensitive value of body. Workflow
// ids and field names come from the specs, not the body, and may appear in
// notes, so they are removed from the texts first (a body may contain them
// too, which is no leak).
func NoLeak(tb testing.TB, body []byte, texts ...string) {
	tb.Helper()
	var vocabulary []string
	for id, w := range Workflows(tb) {
		vocabulary = append(vocabulary, id)
		for _, f := range w.Def.Fields {
			vocabulary = append(vocabulary, f.Name)
		}
	}
	// Longest first, so an id is removed before a field name inside it.
	slices.SortFunc(vocabulary, func(a, b string) int { return len(b) - len(a) })
	for _, t := range texts {
		scrubbed := t
		for _, v := range vocabulary {
			scrubbed = strings.ReplaceAll(scrubbed, v, "\x00")
		}
		for _, s := range Sensitive(body) {
			if strings.Contains(scrubbed, s) {
				tb.Errorf("%q leaks a value of the body (%q)", t, s)
			}
		}
	}
}

var validDirections = []string{"", "inbound", "outbound"}

// CheckDecode is the property every adapter holds on any input: no panic;
// an error is a *providers.DecodeError whose reason leaks nothing; a
// success is a well-formed inbound call whose decision, for every
// workflow, validates against the workflow's schema.
func CheckDecode(t *testing.T, p providers.Adapter, body []byte) {
	t.Helper()
	for _, id := range IDs(t) {
		w := Get(t, id)
		in, err := p.Decode(body, w.Def)
		if err != nil {
			var ig *providers.IgnoredError
			if errors.As(err, &ig) {
				// An event type the workflow does not process; the one it
				// processes is never ignored.
				if ig.Provider != p.Name() || ig.Processed == "" || ig.Event == ig.Processed {
					t.Fatalf("IgnoredError %+v", ig)
				}
				continue
			}
			var de *providers.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode returned %T, want *providers.DecodeError or *providers.IgnoredError: %v", err, err)
			}
			if de.Provider != p.Name() || de.Reason == "" {
				t.Fatalf("DecodeError %+v lacks provider or reason", de)
			}
			NoLeak(t, body, de.Reason)
			continue
		}
		if in == nil || in.Fields == nil {
			t.Fatal("Decode returned no inbound call and no error")
		}
		if in.Call.Provider != p.Name() || in.Call.ID == "" || in.Call.Status == "" || in.Call.DurationS < 0 {
			t.Fatalf("malformed call %+v", in.Call)
		}
		if !slices.Contains(validDirections, in.Call.Direction) {
			t.Fatalf("direction %q is neither inbound nor outbound", in.Call.Direction)
		}
		if in.Call.StartedAt != "" {
			if _, err := time.Parse(time.RFC3339, in.Call.StartedAt); err != nil || !strings.HasSuffix(in.Call.StartedAt, "Z") {
				t.Fatalf("started_at %q is not RFC 3339 UTC", in.Call.StartedAt)
			}
		}
		if in.CallerPhone != "" && !workflow.IsE164(in.CallerPhone) {
			t.Fatalf("caller phone %q is not E.164", in.CallerPhone)
		}
		for k := range in.Fields {
			if _, ok := w.Def.Field(k); !ok {
				t.Fatalf("field %q is not declared by workflow %s", k, id)
			}
		}
		NoLeak(t, body, in.Notes...)
		if _, err := w.DecideErr(in); err != nil {
			t.Fatal(err)
		}
	}
}

// RoundTrip checks that Sign produces headers Verify accepts, and that a
// wrong secret, missing or changed headers, a changed body byte (for
// schemes that sign the body) and a stale timestamp (for schemes with a
// timestamp) are all refused with ErrSignature.
func RoundTrip(t *testing.T, p providers.Adapter, secret []byte, timestamped, signsBody bool) {
	t.Helper()
	body := []byte(`{"call_id":"call_123","note":"the body as sent"}`)
	now := time.Unix(1_800_000_000, 0)
	h, err := p.Sign(secret, body, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(secret, h, body, now.Add(30*time.Second)); err != nil {
		t.Fatalf("Verify refused what Sign produced: %v", err)
	}
	refused := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s was accepted", what)
		} else if !errors.Is(err, providers.ErrSignature) {
			t.Errorf("%s: error %v does not wrap ErrSignature", what, err)
		}
	}
	tampered := bytes.Clone(body)
	tampered[10] ^= 1
	if signsBody {
		refused("a changed byte", p.Verify(secret, h, tampered, now))
	} else if err := p.Verify(secret, h, tampered, now); err != nil {
		t.Errorf("a scheme that does not sign the body refused a changed body: %v", err)
	}
	refused("a wrong secret", p.Verify(append(bytes.Clone(secret), 'x'), h, body, now))
	refused("an empty secret", p.Verify(nil, h, body, now))
	refused("no headers", p.Verify(secret, http.Header{}, body, now))
	if timestamped {
		refused("a timestamp 6 minutes old", p.Verify(secret, h, body, now.Add(6*time.Minute)))
		refused("a timestamp 6 minutes ahead", p.Verify(secret, h, body, now.Add(-6*time.Minute)))
	}
	for name := range h {
		broken := h.Clone()
		broken.Set(name, broken.Get(name)+"0")
		refused("a changed "+name+" header", p.Verify(secret, broken, body, now))
	}
	if p.SignatureScheme() == "" {
		t.Error("SignatureScheme is empty")
	}
}

var (
	openapiMu   sync.Mutex
	openapiDocs = map[string]*openapi3.T{}
)

// OpenAPISchema returns components.schemas[name] of the vendor's API
// description file in ../shared/vendors, loading each file once; the test
// is skipped when ../shared is absent.
func OpenAPISchema(tb testing.TB, file, name string) *openapi3.Schema {
	tb.Helper()
	path := filepath.Join(Vendors(tb), file)
	openapiMu.Lock()
	defer openapiMu.Unlock()
	doc, ok := openapiDocs[path]
	if !ok {
		loader := openapi3.NewLoader()
		var err error
		if doc, err = loader.LoadFromFile(path); err != nil {
			tb.Fatalf("load %s: %v", path, err)
		}
		openapiDocs[path] = doc
	}
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		tb.Fatalf("%s has no schema %s", file, name)
	}
	return ref.Value
}

// StrictOpenAPISchema is schema name of a vendor's API description with
// every object closed: a schema that lists properties and says nothing of
// others gets additionalProperties false, so a misspelt or invented key
// is an error at any depth, as it is for the vendor's typed SDKs. The
// description's enums on arrays (Vapi puts the item enum of
// serverMessages on the array, which no array satisfies) move to the
// items. It loads its own copy of the file: OpenAPISchema's stays as
// published.
func StrictOpenAPISchema(tb testing.TB, file, name string) *openapi3.Schema {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(Vendors(tb), file))
	if err != nil {
		tb.Fatalf("load %s: %v", file, err)
	}
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		tb.Fatalf("%s has no schema %s", file, name)
	}
	closeSchema(ref.Value, map[*openapi3.Schema]bool{})
	return ref.Value
}

func closeSchema(s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		closed := false
		s.AdditionalProperties.Has = &closed
	}
	if s.Type.Is(openapi3.TypeArray) && len(s.Enum) > 0 && s.Items != nil && s.Items.Value != nil {
		if len(s.Items.Value.Enum) == 0 {
			s.Items.Value.Enum = s.Enum
		}
		s.Enum = nil
	}
	for _, p := range s.Properties {
		closeSchema(p.Value, seen)
	}
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, r := range list {
			closeSchema(r.Value, seen)
		}
	}
	if s.Items != nil {
		closeSchema(s.Items.Value, seen)
	}
	if s.AdditionalProperties.Schema != nil {
		closeSchema(s.AdditionalProperties.Schema.Value, seen)
	}
}

// ValidateOpenAPI validates a JSON document against a schema of a
// vendor's API description.
func ValidateOpenAPI(tb testing.TB, file, name string, doc []byte) {
	tb.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		tb.Fatal(err)
	}
	ValidateOpenAPIValue(tb, OpenAPISchema(tb, file, name), file+" "+name, v)
}

// ValidateOpenAPIValue validates a decoded JSON value against s.
func ValidateOpenAPIValue(tb testing.TB, s *openapi3.Schema, what string, v any) {
	tb.Helper()
	if err := s.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		tb.Errorf("document does not validate against %s: %v", what, err)
	}
}

// EachConfig decodes e's config of every workflow in workflows/ into a T
// and passes it to check, in a subtest per workflow.
func EachConfig[T any](t *testing.T, e configs.Emitter, check func(t *testing.T, w *ir.Workflow, config T)) {
	t.Helper()
	for _, id := range IDs(t) {
		t.Run(id, func(t *testing.T) {
			w := Get(t, id).IR
			b, err := e.Config(w)
			if err != nil {
				t.Fatal(err)
			}
			var config T
			if err := json.Unmarshal(b, &config); err != nil {
				t.Fatalf("config does not decode: %v\n%s", err, b)
			}
			check(t, w, config)
		})
	}
}

// ConfigGolden checks e's config of every workflow in workflows/, whether
// or not the workflow targets e's platform (see ConfigFile); an emitter
// without configuration must return nil for all of them.
func ConfigGolden(t *testing.T, e configs.Emitter) {
	t.Helper()
	for _, id := range IDs(t) {
		t.Run(id, func(t *testing.T) {
			w := Get(t, id)
			got, err := e.Config(w.IR)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				return
			}
			if !json.Valid(got) {
				t.Fatalf("config is not valid JSON:\n%s", got)
			}
			again, _ := e.Config(w.IR)
			if !bytes.Equal(got, again) {
				t.Fatal("config is not deterministic")
			}
			ConfigFile(t, id, e.Name(), e.Name()+".json", "config/"+id, got)
		})
	}
}

// ConfigFile checks got, the config file named file that platform's
// emitter makes of workflow id. When the workflow targets the platform,
// callspec build has written that file to generated/<id>/providers/ and
// build --check keeps it current, so it is the golden file: a copy under
// testdata would only be a second place to update. Otherwise got is
// compared with testdata/<golden>.golden (internal/golden, -update).
func ConfigFile(t *testing.T, id, platform, file, goldenName string, got []byte) {
	t.Helper()
	if !slices.Contains(Get(t, id).IR.Targets, platform) {
		Golden(t, goldenName, got)
		return
	}
	path := filepath.Join("generated", id, "providers", file)
	want, err := os.ReadFile(filepath.Join(Root(t), path))
	if err != nil {
		t.Fatalf("%v; workflow %s targets %s, so run go run ./cmd/callspec build", err, id, platform)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the %s config of %s differs from %s (- generated, + output):\n%s\nIf the change is intended, run go run ./cmd/callspec build and review the diff of generated/.", platform, id, path, golden.Diff(string(want), string(got)))
	}
}

// DecodeAll runs CheckDecode on every testdata payload.
func DecodeAll(t *testing.T, p providers.Adapter) {
	t.Helper()
	paths := Payloads(t)
	if len(paths) == 0 {
		t.Fatal("no testdata/*.json payloads")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			CheckDecode(t, p, b)
		})
	}
}

// EncodeRoundTrip encodes every scenario of every workflow in p's format
// and decodes it again: the decision (event type, handoff reason, next
// action), the validated fields and the call id must survive, and a
// second round trip must change nothing.
func EncodeRoundTrip(t *testing.T, p providers.Adapter) {
	t.Helper()
	for _, id := range IDs(t) {
		w := Get(t, id)
		for _, sc := range w.IR.Tests {
			t.Run(id+"/"+sc.Name, func(t *testing.T) {
				in := sc.Inbound()
				in.Call.Provider = p.Name()
				want := w.Decide(t, in)
				once := roundTrip(t, p, w, in)
				got := w.Decide(t, once)
				if got.Event != want.Event || got.NextAction != want.NextAction || reason(got) != reason(want) {
					t.Errorf("decision changed: got %s %s%s, want %s %s%s", got.Event, got.NextAction, reason(got), want.Event, want.NextAction, reason(want))
				}
				if got.Call.ID != want.Call.ID {
					t.Errorf("call id changed: %q → %q", want.Call.ID, got.Call.ID)
				}
				if Canonical(want.Call.Status) && got.Call.Status != want.Call.Status {
					t.Errorf("call status changed: %q → %q", want.Call.Status, got.Call.Status)
				}
				gotFields, _ := json.Marshal(got.Fields)
				wantFields, _ := json.Marshal(want.Fields)
				if !bytes.Equal(gotFields, wantFields) {
					t.Errorf("fields changed:\ngot  %s\nwant %s", gotFields, wantFields)
				}
				twice := w.Decide(t, roundTrip(t, p, w, once))
				a, _ := json.Marshal(got)
				b, _ := json.Marshal(twice)
				if !bytes.Equal(a, b) {
					t.Errorf("a second round trip changed the event:\n%s\n%s", a, b)
				}
			})
		}
	}
}

// Canonical reports whether s is a canonical call status.
func Canonical(s string) bool {
	return slices.Contains([]string{"completed", "no_answer", "busy", "failed", "voicemail", "in_progress", "queued", "canceled"}, s)
}

func reason(ev *event.Event) string {
	if ev.Handoff == nil {
		return ""
	}
	return " (" + ev.Handoff.Reason + ")"
}

func roundTrip(t *testing.T, p providers.Adapter, w *Workflow, in *event.Inbound) *event.Inbound {
	t.Helper()
	body, err := p.Encode(in, w.Def)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatalf("Decode refused what Encode produced: %v\n%s", err, body)
	}
	return out
}

// FuzzSeeds adds every testdata payload and every scenario's encoding to
// f's corpus.
func FuzzSeeds(f *testing.F, p providers.Adapter) {
	for _, path := range Payloads(f) {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, id := range IDs(f) {
		w := Get(f, id)
		for _, sc := range w.IR.Tests {
			if b, err := p.Encode(sc.Inbound(), w.Def); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{"", "null", "[]", "{}", `{"call":{}}`, `{"message":{"type":"end-of-call-report","call":{"id":"x"}}}`, "\"x\"", "{} {}"} {
		f.Add([]byte(s))
	}
}
