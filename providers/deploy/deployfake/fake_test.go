package deployfake

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the errors a fake reports, so the
// test can check that a wrong body is caught.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func send(t *testing.T, url, key, method, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestFakesRefuseBodiesTheVendorWouldRefuse(t *testing.T) {
	cases := []struct {
		vendor, method, path, body, want string
	}{
		{"vapi", "POST", "/assistant", `{"firstMessageMode":"speak-first"}`, "firstMessageMode"},
		{"vapi", "POST", "/credential", `{"provider":"webhook","authenticationPlan":{"type":"hmac","secretKey":"s","algorithm":"md5"}}`, "algorithm"},
		{"vapi", "POST", "/assistant", `{"serverMessages":["end-of-call"]}`, "end-of-call"},
		{"retell", "POST", "/create-agent", `{"response_engine":{"type":"retell-llm","llm_id":"l"}}`, "voice_id is required"},
		{"retell", "POST", "/create-retell-llm", `{"start_speaker":"bot"}`, "start_speaker"},
		{"retell", "POST", "/create-retell-llm", `{"prompt":"x"}`, `no field "prompt"`},
		{"retell", "POST", "/create-agent", `{"voice_id":"v","response_engine":{"type":"retell-llm","llm_id":"l"},"post_call_analysis_data":[{"type":"enum","name":"a","description":"d","choices":[]}]}`, "choices"},
		{"retell", "POST", "/create-agent", `{"voice_id":"v","response_engine":{"type":"retell-llm","llm_id":"l"},"webhook_events":["call_done"]}`, "call_done"},
	}
	for _, tc := range cases {
		rec := &recorder{TB: t}
		var url string
		if tc.vendor == "vapi" {
			url = NewVapi(rec, "k").URL
		} else {
			url = NewRetell(rec, "k").URL
		}
		status := send(t, url, "k", tc.method, tc.path, tc.body)
		if status != http.StatusUnprocessableEntity || len(rec.errs) != 1 || !strings.Contains(rec.errs[0], tc.want) {
			t.Errorf("%s %s %s: status %d, errors %q; want 422 and an error naming %q", tc.vendor, tc.path, tc.body, status, rec.errs, tc.want)
		}
	}
}

func TestFakesRequireTheKey(t *testing.T) {
	f := NewRetell(t, "k")
	f.Put(RetellAgent, "a", map[string]any{"agent_id": "a"})
	if got := send(t, f.URL, "wrong", "GET", "/get-agent/a", ""); got != http.StatusUnauthorized {
		t.Errorf("wrong key: %d, want 401", got)
	}
	if got := send(t, f.URL, "k", "GET", "/get-agent/a", ""); got != http.StatusOK {
		t.Errorf("right key: %d, want 200", got)
	}
}
