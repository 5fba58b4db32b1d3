package handler_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
)

// TestRequestLimitsNameTheLimit checks the two limits a delivery's body
// meets in the handler: its size (413) and its JSON nesting (400), each
// refused before anything is stored, with an answer that names the limit.
func TestRequestLimitsNameTheLimit(t *testing.T) {
	f := newFixture(t, "retell")
	now := time.Now()
	deep := []byte(`{"call":{"call_id":"call-deep","call_analysis":{"custom_analysis_data":{"location":` +
		strings.Repeat("[", providers.MaxJSONDepth) + strings.Repeat("]", providers.MaxJSONDepth) + `}}}}`)
	cases := []struct {
		name   string
		body   []byte
		status int
		limit  string
	}{
		{"body over the size limit", append(f.delivery("call-big", routine()), bytes.Repeat([]byte(" "), handler.DefaultMaxBodyBytes)...),
			http.StatusRequestEntityTooLarge, "(limit max-body-size)"},
		{"JSON nested past the depth limit", deep, http.StatusBadRequest, "(limit max-json-depth)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, answer := f.post(tc.body, now, secret)
			var a struct{ Error string }
			if err := json.Unmarshal([]byte(answer), &a); err != nil {
				t.Fatalf("answer %q: %v", answer, err)
			}
			if status != tc.status || !strings.Contains(a.Error, tc.limit) {
				t.Errorf("got %d %q, want %d naming %s", status, a.Error, tc.status, tc.limit)
			}
		})
	}
	for _, id := range []string{"call-big", "call-deep"} {
		if f.stored(id) {
			t.Errorf("%s: a refused delivery was stored", id)
		}
	}
	if o, h := f.svc.counts(); o+h != 0 {
		t.Errorf("refused deliveries reached the service: %d outcomes, %d handoffs", o, h)
	}
}
