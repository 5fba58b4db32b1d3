package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/providers/bland"
	"github.com/callspec/callspec/providers/callurl"
	"github.com/callspec/callspec/providers/retell"
	"github.com/callspec/callspec/runtime/forward"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/stdwebhooks"
	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// Secrets of the tests: a Retell API key is an opaque string, a Standard
// Webhooks secret is whsec_ and base64.
const (
	retellKey  = "key_3f9a1c0e7b2d4e6f8a0b1c2d3e4f5a6b"
	whsecret   = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	wrongWhsec = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCBrZXk="
)

// quiet drops the workers' log lines.
var quiet = slog.New(slog.DiscardHandler)

// vendor runs one request of vendors.js (the vendors' own libraries) and
// decodes its answer; it skips when Node or the packages are missing.
func vendor(t *testing.T, req map[string]any, answer any) {
	t.Helper()
	bin := requireNode(t, "the check against the vendors' own code (retell-sdk, standardwebhooks, Bland's sample)", "retell-sdk", "standardwebhooks")
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "vendors.js")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node vendors.js %s: %v\n%s", req["op"], err, stderr.String())
	}
	if err := json.Unmarshal(out, answer); err != nil {
		t.Fatalf("node vendors.js %s answered %q: %v", req["op"], out, err)
	}
}

// verdict is the answer of a verify request.
type verdict struct {
	Valid bool   `json:"valid"`
	Error string `json:"error"`
}

// events counts what the generated handler hands the service.
type events struct {
	mu   sync.Mutex
	seen []*event.Event
}

func (s *events) CreateWorkOrder(_ context.Context, o *intake.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, o.Event)
	return nil
}

func (s *events) Handoff(_ context.Context, h *intake.Handoff) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, h.Event)
	return nil
}

func (s *events) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// receiver is the real generated handler of maintenance_report_intake for
// one platform behind an HTTP server; each delivery it accepts is handed
// to the service before post returns.
type receiver struct {
	t   *testing.T
	srv *httptest.Server
	h   *handler.Handler
	svc *events
}

func newReceiver(t *testing.T, provider, secret string) *receiver {
	t.Helper()
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	worker, err := inbox.New(inbox.Config{Store: st, Logger: quiet, Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, svc: &events{}}
	r.h, err = intake.NewHandler(r.svc, provider, handler.Config{Store: st, Secret: []byte(secret), Inbox: worker})
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(r.h)
	t.Cleanup(r.srv.Close)
	return r
}

// post sends body with headers and runs the service for what was
// accepted; it returns the status and the answer.
func (r *receiver) post(body []byte, headers map[string]string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.srv.URL, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := r.srv.Client().Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.h.Inbox().Drain(ctx); err != nil {
		r.t.Fatal(err)
	}
	return resp.StatusCode, string(answer)
}

func readTestdata(t *testing.T, path ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{".."}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRetellSDKSignsWhatTheHandlerAccepts signs deliveries with
// retell-sdk's Retell.sign and posts them to the generated handler: the
// call_analyzed body becomes one event, a call_started body is answered
// 200 and becomes none, and the signature of one body on another is 401.
func TestRetellSDKSignsWhatTheHandlerAccepts(t *testing.T) {
	r := newReceiver(t, retell.Name, retellKey)
	sign := func(body []byte) map[string]string {
		var a struct{ Signature string }
		vendor(t, map[string]any{"op": "retell-sign", "key": retellKey, "body": string(body)}, &a)
		return map[string]string{retell.SignatureHeader: a.Signature}
	}
	analyzed := readTestdata(t, "providers", "retell", "testdata", "call_analyzed.json")
	signed := sign(analyzed)
	if status, answer := r.post(analyzed, signed); status != http.StatusOK || r.svc.count() != 1 {
		t.Fatalf("call_analyzed signed by retell-sdk: %d %s, %d events; want 200 and 1 event", status, answer, r.svc.count())
	}
	started := []byte(`{"event":"call_started","call":{"call_id":"Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6","call_status":"ongoing"}}`)
	if status, answer := r.post(started, sign(started)); status != http.StatusOK || r.svc.count() != 1 {
		t.Errorf("call_started signed by retell-sdk: %d %s, %d events; want 200 and still 1 event", status, answer, r.svc.count())
	}
	if status, answer := r.post(started, signed); status != http.StatusUnauthorized {
		t.Errorf("call_started with the signature of another body: %d %s, want 401", status, answer)
	}
}

// TestRetellSDKVerifiesCallspecSend posts a delivery with `callspec send
// --provider retell` and checks the request it made with retell-sdk's
// Retell.verify; the same signature on a changed body must not verify.
func TestRetellSDKVerifiesCallspecSend(t *testing.T) {
	body, h := captureSend(t, retell.Name, retellKey)
	sig := h.Get(retell.SignatureHeader)
	for _, c := range []struct {
		body string
		want bool
	}{{string(body), true}, {string(body) + " ", false}} {
		var v verdict
		vendor(t, map[string]any{"op": "retell-verify", "key": retellKey, "body": c.body, "signature": sig}, &v)
		if v.Valid != c.want {
			t.Errorf("Retell.verify(%.40q…, %s) = %v, want %v", c.body, sig, v.Valid, c.want)
		}
	}
}

// TestStandardWebhooksSignsWhatTheHandlerAccepts signs a CallURL delivery
// with the standardwebhooks library's Webhook.sign: one event; signed
// with another secret, 401.
func TestStandardWebhooksSignsWhatTheHandlerAccepts(t *testing.T) {
	r := newReceiver(t, callurl.Name, whsecret)
	body := encode(t, callurl.Name, "call_stdwebhooks")
	signed := func(secret string) map[string]string {
		ts := time.Now().Unix()
		var a struct{ Signature string }
		vendor(t, map[string]any{"op": "stdwebhooks-sign", "secret": secret, "id": "msg_interop", "timestamp": ts, "body": string(body)}, &a)
		return map[string]string{stdwebhooks.HeaderID: "msg_interop", stdwebhooks.HeaderTimestamp: strconv.FormatInt(ts, 10), stdwebhooks.HeaderSignature: a.Signature}
	}
	if status, answer := r.post(body, signed(wrongWhsec)); status != http.StatusUnauthorized || r.svc.count() != 0 {
		t.Errorf("signed with another secret: %d %s, %d events; want 401 and none", status, answer, r.svc.count())
	}
	if status, answer := r.post(body, signed(whsecret)); status != http.StatusOK || r.svc.count() != 1 {
		t.Errorf("signed by standardwebhooks: %d %s, %d events; want 200 and 1 event", status, answer, r.svc.count())
	}
}

// TestStandardWebhooksVerifiesCallspecSend checks the request of
// `callspec send --provider callurl` with Webhook.verify.
func TestStandardWebhooksVerifiesCallspecSend(t *testing.T) {
	body, h := captureSend(t, callurl.Name, whsecret)
	verifyStandardWebhook(t, "callspec send --provider callurl", body, h)
}

// TestStandardWebhooksVerifiesForwards runs the forward worker on one
// outbox message and checks the request it made with Webhook.verify.
func TestStandardWebhooksVerifiesForwards(t *testing.T) {
	got := make(chan capture, 1)
	srv := httptest.NewServer(capturing(got))
	defer srv.Close()
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	c, err := st.Claim(ctx, store.Key(intake.Definition().ID, "call_forward"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	body := encode(t, callurl.Name, "call_forward")
	m := &store.Message{ID: store.MessageID(intake.Definition().ID, "call_forward"), WorkflowID: intake.Definition().ID, URL: srv.URL, SecretEnv: "CRM_WEBHOOK_SECRET", Body: body, MaxAttempts: 3}
	if err := st.Complete(ctx, c, store.Result{Status: 200, Body: []byte(`{"ok":true}`)}, m); err != nil {
		t.Fatal(err)
	}
	w, err := forward.New(forward.Config{Store: st, Logger: quiet, LookupSecret: func(name string) (string, bool) {
		return whsecret, name == "CRM_WEBHOOK_SECRET"
	}})
	if err != nil {
		t.Fatal(err)
	}
	if attempted, err := w.AttemptNext(ctx); !attempted || err != nil {
		t.Fatalf("the forward worker attempted nothing (%v, %v)", attempted, err)
	}
	sent := <-got
	if !bytes.Equal(sent.body, body) {
		t.Fatalf("forwarded body %q, want %q", sent.body, body)
	}
	verifyStandardWebhook(t, "the forward worker", sent.body, sent.header)
}

// verifyStandardWebhook checks a request with Webhook.verify: it must
// verify with the secret, and not with another secret or a changed body.
func verifyStandardWebhook(t *testing.T, what string, body []byte, h http.Header) {
	t.Helper()
	headers := map[string]string{}
	for _, k := range []string{stdwebhooks.HeaderID, stdwebhooks.HeaderTimestamp, stdwebhooks.HeaderSignature} {
		headers[k] = h.Get(k)
	}
	for _, c := range []struct {
		secret, body string
		want         bool
	}{{whsecret, string(body), true}, {wrongWhsec, string(body), false}, {whsecret, string(body) + " ", false}} {
		var v verdict
		vendor(t, map[string]any{"op": "stdwebhooks-verify", "secret": c.secret, "body": c.body, "headers": headers}, &v)
		if v.Valid != c.want {
			t.Errorf("%s: Webhook.verify = %v (%s), want %v (secret %s, body changed: %v)", what, v.Valid, v.Error, c.want, c.secret[:10], c.body != string(body))
		}
	}
}

// encode is a completed delivery of maintenance_report_intake in the
// platform's format.
func encode(t *testing.T, provider, callID string) []byte {
	t.Helper()
	return encodeAt(t, provider, callID, "kitchen sink")
}

// encodeAt is encode with the caller's words for the location.
func encodeAt(t *testing.T, provider, callID, location string) []byte {
	t.Helper()
	p, err := providers.Lookup(provider)
	if err != nil {
		t.Fatal(err)
	}
	in := &event.Inbound{
		Call:       event.Call{ID: callID, Provider: provider, Status: "completed", Direction: "inbound", DurationS: 95},
		CallerFrom: "+15551234567", CallerPhone: "+15551234567", CalledTo: "+15550000000",
		Fields: map[string]any{"issue_type": "leak", "location": location, "urgency": "routine", "permission_to_enter": true},
	}
	body, err := p.Encode(in, intake.Definition())
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// capture is one request a test server received.
type capture struct {
	header http.Header
	body   []byte
}

func capturing(got chan<- capture) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- capture{r.Header.Clone(), b}
		w.Write([]byte(`{"ok":true}`))
	})
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildOut  []byte
)

// captureSend runs `callspec send maintenance_report_intake 1 --provider
// P` against a server that records the request, with the secret in the
// spec's secret variable.
func captureSend(t *testing.T, provider, secret string) ([]byte, http.Header) {
	t.Helper()
	requireNode(t, "the check of callspec send against the vendors' own code", "retell-sdk", "standardwebhooks")
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "callspec-interop")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "callspec")
		buildOut, buildErr = exec.Command("go", "build", "-o", binary, "../cmd/callspec").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/callspec: %v\n%s", buildErr, buildOut)
	}
	got := make(chan capture, 1)
	srv := httptest.NewServer(capturing(got))
	defer srv.Close()
	cmd := exec.Command(binary, "send", "maintenance_report_intake", "1", filepath.Join("..", "workflows", "maintenance_report_intake.yaml"),
		"--provider", provider, "--to", srv.URL)
	def := intake.Definition()
	cmd.Env = append(os.Environ(), def.Platform(provider).SecretEnv+"="+secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("callspec send --provider %s: %v\n%s", provider, err, out)
	}
	sent := <-got
	if !strings.Contains(sent.header.Get("Content-Type"), "json") {
		t.Errorf("callspec send posted Content-Type %q", sent.header.Get("Content-Type"))
	}
	return sent.body, sent.header
}

// blandSecret is a signing secret as Bland's Dev Portal shows it.
const blandSecret = "whsk_live_4a1c9e7b2d3f5a6b8c0d1e2f3a4b5c6d"

// TestBlandSampleSignsWhatTheHandlerAccepts posts a Bland delivery signed
// as Bland's documented sample computes it (HMAC over the body as
// JSON.stringify writes it): one event; signed with another secret, 401.
func TestBlandSampleSignsWhatTheHandlerAccepts(t *testing.T) {
	r := newReceiver(t, bland.Name, blandSecret)
	var signed, forged struct{ Body, Signature string }
	body := string(encode(t, bland.Name, "call_bland"))
	vendor(t, map[string]any{"op": "bland-sign", "secret": "not the secret", "body": body}, &forged)
	vendor(t, map[string]any{"op": "bland-sign", "secret": blandSecret, "body": body}, &signed)
	if status, answer := r.post([]byte(forged.Body), map[string]string{bland.SignatureHeader: forged.Signature}); status != http.StatusUnauthorized || r.svc.count() != 0 {
		t.Errorf("signed with another secret: %d %s, %d events; want 401 and none", status, answer, r.svc.count())
	}
	if status, answer := r.post([]byte(signed.Body), map[string]string{bland.SignatureHeader: signed.Signature}); status != http.StatusOK || r.svc.count() != 1 {
		t.Errorf("signed as Bland's sample signs: %d %s, %d events; want 200 and 1 event", status, answer, r.svc.count())
	}
}

// TestBlandSampleVerifiesCallspecSend checks the request of `callspec
// send --provider bland` with Bland's documented verification sample,
// which re-serialises the parsed body: what callspec signs must survive
// that. Another secret must not verify.
func TestBlandSampleVerifiesCallspecSend(t *testing.T) {
	body, h := captureSend(t, bland.Name, blandSecret)
	for _, c := range []struct {
		secret string
		want   bool
	}{{blandSecret, true}, {"not the secret", false}} {
		var v verdict
		vendor(t, map[string]any{"op": "bland-verify", "secret": c.secret, "body": string(body), "signature": h.Get(bland.SignatureHeader)}, &v)
		if v.Valid != c.want {
			t.Errorf("Bland's verifyWebhookSignature with secret %q = %v, want %v\nbody: %s", c.secret, v.Valid, c.want, body)
		}
	}
	// Words JSON may write in more than one way (Go escapes <, > and &
	// by default, JSON.stringify does not) must still verify.
	body = encodeAt(t, bland.Name, "call_bland_words", `bath & kitchen <"upstairs"> café €`)
	h, err := bland.Provider{}.Sign([]byte(blandSecret), body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var v verdict
	vendor(t, map[string]any{"op": "bland-verify", "secret": blandSecret, "body": string(body), "signature": h.Get(bland.SignatureHeader)}, &v)
	if !v.Valid {
		t.Errorf("Bland's verifyWebhookSignature refuses callspec's signature of a body with &, <, > and quotes:\n%s", body)
	}
}
