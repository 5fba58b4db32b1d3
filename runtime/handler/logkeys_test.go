package handler

import (
	"slices"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/runtime/logging"
)

// TestCallAttrsAreCallKeys: lint accepts a log: entry naming call metadata
// only when it is in logging.CallKeys, so those must be exactly the keys
// the handler logs.
func TestCallAttrsAreCallKeys(t *testing.T) {
	var keys []string
	for _, a := range appendCallAttrs(nil, &event.Inbound{}) {
		keys = append(keys, a.Key)
	}
	if !slices.Equal(keys, logging.CallKeys) {
		t.Errorf("the handler logs call keys %q, but logging.CallKeys is %q", keys, logging.CallKeys)
	}
}
