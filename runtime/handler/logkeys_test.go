package handler

import (
	"slices"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/logkeys"
)

// TestCallAttrsAreCallKeys: lint accepts a log: entry naming call metadata
// only when it is in logkeys.CallKeys, so those must be exactly the keys
// the handler logs.
func TestCallAttrsAreCallKeys(t *testing.T) {
	var keys []string
	for _, a := range appendCallAttrs(nil, &event.Inbound{}) {
		keys = append(keys, a.Key)
	}
	if !slices.Equal(keys, logkeys.CallKeys) {
		t.Errorf("the handler logs call keys %q, but logkeys.CallKeys is %q", keys, logkeys.CallKeys)
	}
}
