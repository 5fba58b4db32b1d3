package deploy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// flaky answers each status of statuses in turn (then 200 {"id":"x"}),
// with Retry-After when retryAfter is set.
func flaky(t *testing.T, retryAfter string, statuses ...int) (*Client, *int, *[]time.Duration) {
	t.Helper()
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls <= len(statuses) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(statuses[calls-1])
			w.Write([]byte(`{"message":"busy"}`))
			return
		}
		w.Write([]byte(`{"id":"x"}`))
	}))
	t.Cleanup(srv.Close)
	c := NewClient("Vapi", srv.URL, "VAPI_API_KEY", "key_1234", &Redactor{})
	var waits []time.Duration
	c.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	return c, &calls, &waits
}

func TestClientHonoursRetryAfterOn429(t *testing.T) {
	c, calls, waits := flaky(t, "3", http.StatusTooManyRequests)
	id, err := c.Write(context.Background(), http.MethodPost, "/assistant", map[string]any{}, "Vapi assistant", "", "id")
	if err != nil || id != "x" || *calls != 2 {
		t.Fatalf("id %q, err %v, %d calls; want x after 2 calls", id, err, *calls)
	}
	if want := []time.Duration{3 * time.Second}; !reflect.DeepEqual(*waits, want) {
		t.Errorf("waited %v, want %v", *waits, want)
	}
}

func TestClientBacksOffExponentiallyOn5xxAndGivesUp(t *testing.T) {
	c, calls, waits := flaky(t, "", 503, 502, 500, 503)
	err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/assistant/a", What: `assistant "a"`})
	want := `Vapi failed on assistant "a" (503 on GET /assistant/a, 4 attempts): busy; try again later`
	if err == nil || err.Error() != want || *calls != 4 {
		t.Fatalf("err %v after %d calls, want %q after 4", err, *calls, want)
	}
	if w := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}; !reflect.DeepEqual(*waits, w) {
		t.Errorf("waited %v, want %v", *waits, w)
	}
}

func TestClientDoesNotRetryACreateThatFailed(t *testing.T) {
	c, calls, _ := flaky(t, "", 500)
	if _, err := c.Write(context.Background(), http.MethodPost, "/assistant", map[string]any{}, "Vapi assistant", "", "id"); err == nil || *calls != 1 {
		t.Errorf("err %v after %d calls: a POST that failed with 5xx may have created the object and must not be sent again", err, *calls)
	}
}

func TestClientRefusesALongRetryAfterWithASentence(t *testing.T) {
	c, _, waits := flaky(t, "600", http.StatusTooManyRequests)
	err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/get-agent/a", What: `agent "a"`})
	want := `Vapi is rate-limiting the requests for agent "a" and asks to wait 10m0s (429 on GET /get-agent/a): run callspec deploy again after that`
	if err == nil || err.Error() != want || len(*waits) != 0 {
		t.Errorf("err %v, waits %v; want %q and no wait", err, *waits, want)
	}
}

func TestClientForbiddenNamesTheKeyAndTheObject(t *testing.T) {
	c, _, _ := flaky(t, "", http.StatusForbidden)
	err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/assistant/a", What: `assistant "a"`})
	want := `Vapi does not let the API key in VAPI_API_KEY reach assistant "a" (403 on GET /assistant/a): use a key of the workspace that owns it`
	if err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
}

func TestRedactorRemovesEverySecret(t *testing.T) {
	r := &Redactor{}
	r.Add("key_1234")
	r.Add("ab") // too short to redact without garbling every message
	if got := r.String("Bearer key_1234 and key_1234, ab"); got != "Bearer [redacted] and [redacted], ab" || strings.Contains(got, "key_1234") {
		t.Errorf("got %q", got)
	}
}

func TestDiffPatchAndUnmanaged(t *testing.T) {
	live := map[string]any{"id": "a", "voice": "burt", "model": map[string]any{"provider": "openai", "messages": []any{"old"}}, "server": map[string]any{"url": "u1"}}
	config := map[string]any{"model": map[string]any{"messages": []any{"new"}}, "server": map[string]any{"url": "u1"}, "firstMessage": "hi"}
	desired := Desired(live, config)
	got := Diff(live, desired)
	want := []Change{{Path: "firstMessage", After: "hi"}, {Path: "model.messages", Before: []any{"old"}, After: []any{"new"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff %v, want %v", got, want)
	}
	patch := Patch(live, desired)
	if _, ok := patch["server"]; ok || !Equal(patch["model"], map[string]any{"provider": "openai", "messages": []any{"new"}}) {
		t.Errorf("Patch %v: want model merged with the live provider, no server", patch)
	}
	if u := Unmanaged(live, config, "id"); !reflect.DeepEqual(u, []string{"model.provider", "voice"}) {
		t.Errorf("Unmanaged %v", u)
	}
}

func TestUnfilledFindsPlaceholders(t *testing.T) {
	body := map[string]any{"a": "x", "response_engine": map[string]any{"llm_id": "<retell llm_id: filled in by deploy>"}, "list": []any{"ok", "<token>"}}
	if got := Unfilled(body); got != "list[1]" {
		t.Errorf("Unfilled = %q, want list[1] (the first in key order)", got)
	}
	delete(body, "list")
	if got := Unfilled(body); got != "response_engine.llm_id" {
		t.Errorf("Unfilled = %q, want response_engine.llm_id", got)
	}
	if got := Unfilled(map[string]any{"prompt": "a <b> c", "lt": "<"}); got != "" {
		t.Errorf("Unfilled = %q for text that is not a placeholder", got)
	}
}
