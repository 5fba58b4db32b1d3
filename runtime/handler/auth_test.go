package handler_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// authServer serves maintenance_report_intake's handler for one platform
// in one auth mode, mounted as the generated Mount mounts it, with the
// current and previous secrets of a rotation; logs collects its log.
type authServer struct {
	srv  *httptest.Server
	p    providers.Adapter // the adapter in the server's mode, to sign with
	svc  *service
	logs *syncBuffer
}

func newAuthServer(t *testing.T, provider, mode, current, previous string) *authServer {
	t.Helper()
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := &authServer{svc: &service{}, logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	worker, err := inbox.New(inbox.Config{Store: st, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	h, err := intake.NewHandler(a.svc, provider, handler.Config{
		Store: st, Auth: mode, Secret: []byte(current), PreviousSecret: []byte(previous), Logger: logger, Inbox: worker,
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.p, err = providers.Lookup(provider); err != nil {
		t.Fatal(err)
	}
	if a.p, err = providers.WithAuth(a.p, mode); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	handler.Handle(mux, hookPath, h, func(http.Handler) http.Handler { return inline(t, h) })
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

// post sends a delivery of call id signed with key by the platform's own
// scheme (its headers only), to hookPath and then suffix.
func (a *authServer) post(t *testing.T, id, key, suffix string) (int, string) {
	t.Helper()
	in := &event.Inbound{Call: event.Call{ID: id, Provider: a.p.Name(), Status: "completed", Direction: "inbound", DurationS: 60}, Fields: routine()}
	body, err := a.p.Encode(in, intake.Definition())
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.p.Sign([]byte(key), body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+hookPath+suffix, bytes.NewReader(body))
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEveryAuthModeRoundTrips: in every auth mode of every platform, a
// delivery authenticated as the platform does it (Vapi's HMAC, bearer and
// X-Vapi-Secret credentials; the URL token of Synthflow, CallCow and
// Phonely; the signatures of Retell, Bland and CallURL) with the current
// or the previous secret of a rotation is accepted and becomes one event
// with the mode's signature_status; with another secret, or with none,
// it is 401 and nothing reaches the service.
func TestEveryAuthModeRoundTrips(t *testing.T) {
	const current, previous, other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2VjcmV0LXByZXZpb3VzLTEyMzQ1Njc4", "whsec_b3RoZXItc2VjcmV0LW5vdC1jb25maWd1cmVk"
	status := map[string]string{
		workflow.AuthSignature: event.SignatureVerified, workflow.AuthHMAC: event.SignatureVerified,
		workflow.AuthBearer: event.SignatureSharedSecret, workflow.AuthHeader: event.SignatureSharedSecret,
		workflow.AuthURLToken: event.SignatureURLToken,
	}
	for _, name := range providers.Names() {
		auth, _ := workflow.AuthOf(name)
		for _, mode := range auth.Modes {
			t.Run(name+"/"+mode, func(t *testing.T) {
				a := newAuthServer(t, name, mode, current, previous)
				token := func(key string) string {
					if mode == workflow.AuthURLToken {
						return "/" + url.PathEscape(key)
					}
					return ""
				}
				for i, key := range []string{current, previous} {
					if code, answer := a.post(t, "auth_ok_"+string(rune('a'+i)), key, token(key)); code != http.StatusOK {
						t.Errorf("signed with secret %d: %d %s", i, code, answer)
					}
				}
				if code, _ := a.post(t, "auth_other", other, token(other)); code != http.StatusUnauthorized {
					t.Errorf("signed with a secret the handler does not know: %d, want 401", code)
				}
				if mode == workflow.AuthURLToken {
					for _, suffix := range []string{"", "/", "/" + current[:len(current)-1], "/" + current + "x", "/" + current + "/more"} {
						if code, _ := a.post(t, "auth_token", current, suffix); code != http.StatusUnauthorized {
							t.Errorf("token path %q: %d, want 401", suffix, code)
						}
					}
				}
				outcomes, handoffs := a.svc.counts()
				if outcomes != 2 || handoffs != 0 {
					t.Fatalf("the service saw %d outcomes and %d handoffs, want the 2 accepted deliveries", outcomes, handoffs)
				}
				for _, o := range a.svc.outcomes {
					if o.Event.SignatureStatus != status[mode] {
						t.Errorf("signature_status %q, want %q", o.Event.SignatureStatus, status[mode])
					}
				}
				logs := a.logs.String()
				for _, secret := range []string{current, previous, other, url.PathEscape(current), current[6:]} {
					if strings.Contains(logs, secret) {
						t.Errorf("a log line holds a secret or token:\n%s", logs)
					}
				}
				if mode == workflow.AuthURLToken && !strings.Contains(logs, `"route":"POST `+hookPath+`/{token...}"`) {
					t.Errorf("the log does not show the route with the token masked:\n%s", logs)
				}
			})
		}
	}
}

// TestNoXCallspecSecretByDefault: Synthflow, CallCow and Phonely are not
// asked for the X-Callspec-Secret header none of them sends: by default a
// delivery that carries only that header (and no token) is 401, and one
// that carries only the token is accepted.
func TestNoXCallspecSecretByDefault(t *testing.T) {
	const secret = "url-token-secret-0123456789"
	for _, name := range []string{"synthflow", "callcow", "phonely"} {
		t.Run(name, func(t *testing.T) {
			a := newAuthServer(t, name, "", secret, "")
			if code, answer := a.post(t, "token_only", secret, "/"+secret); code != http.StatusOK {
				t.Errorf("token in the path: %d %s", code, answer)
			}
			a.p = newAuthServer(t, name, workflow.AuthHeader, secret, "").p // signs with X-Callspec-Secret
			if code, _ := a.post(t, "hdr_only", secret, ""); code != http.StatusUnauthorized {
				t.Errorf("X-Callspec-Secret without a token: %d, want 401", code)
			}
		})
	}
}
