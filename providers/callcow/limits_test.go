package callcow_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/providertest"
)

// TestContextDepthLimit: the context arrives as JSON inside a JSON string,
// which the body's depth check cannot see; it gets the same limit.
func TestContextDepthLimit(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	deep := `{"a":` + strings.Repeat("[", providers.MaxJSONDepth) + strings.Repeat("]", providers.MaxJSONDepth) + `}`
	body, _ := json.Marshal(map[string]any{"call_id": "c1", "call_status": "success", "context": deep})
	in, err := p.Decode(body, w.Def)
	if err != nil {
		t.Fatalf("a deep context must not refuse the delivery: %v", err)
	}
	if !strings.Contains(strings.Join(in.Notes, "\n"), "(limit max-json-depth)") {
		t.Errorf("notes %q do not name the limit", in.Notes)
	}
}
