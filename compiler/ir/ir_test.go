package ir

import (
	"testing"

	"github.com/callspec/callspec/kernel/event"
)

// TestScenarioInboundCaller: a scenario's caller.phone_e164 is the
// customer, as the adapters decide it: the calling number of an inbound
// call, the called number of an outbound one, and nothing when that number
// is not E.164.
func TestScenarioInboundCaller(t *testing.T) {
	const business, customer = "+15550000000", "+14165551234"
	tests := []struct {
		name, direction, from, to, want string
	}{
		{"inbound", "inbound", customer, business, customer},
		{"no direction", "", customer, business, customer},
		{"outbound", "outbound", business, customer, customer},
		{"outbound without a business line", "outbound", "", customer, customer},
		{"outbound to a local number", "outbound", business, "0207 946 0000", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Scenario{Call: event.Call{ID: "c1", Direction: tc.direction}, From: tc.from, To: tc.to}
			in := s.Inbound()
			if in.CallerPhone != tc.want {
				t.Errorf("caller %q, want %q", in.CallerPhone, tc.want)
			}
			if in.CallerFrom != tc.from || in.CalledTo != tc.to {
				t.Errorf("call.from %q call.to %q, want %q %q", in.CallerFrom, in.CalledTo, tc.from, tc.to)
			}
		})
	}
}
