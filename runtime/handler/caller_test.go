package handler_test

import (
	"net/http"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
)

// TestOutboundCallerPerProvider: on an outbound call the event's
// caller.phone_e164 is the customer who was called, not the business line
// the call came from, whichever platform delivered it. The event also says
// how the delivery was authenticated: shared_secret for platforms that
// only send the secret, verified for those that sign the body.
func TestOutboundCallerPerProvider(t *testing.T) {
	const business, customer = "+15550000000", "+14165551234"
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			in := &event.Inbound{
				Call:       event.Call{ID: "call-outbound", Provider: name, Status: "completed", Direction: "outbound", DurationS: 95},
				CallerFrom: business, CalledTo: customer, CallerPhone: customer,
				Fields: routine(),
			}
			body, err := f.p.Encode(in, intake.Definition())
			if err != nil {
				t.Fatal(err)
			}
			if status, answer := f.post(body, time.Now(), secret); status != http.StatusOK {
				t.Fatalf("outbound delivery: %d %s", status, answer)
			}
			if len(f.svc.outcomes) != 1 {
				t.Fatalf("service saw %d outcomes, want 1", len(f.svc.outcomes))
			}
			ev := f.svc.outcomes[0].Event
			if ev.Caller.PhoneE164 != customer {
				t.Errorf("caller.phone_e164 %q, want the customer called, %q", ev.Caller.PhoneE164, customer)
			}
			if want := providers.SignatureStatus(f.p); ev.SignatureStatus != want {
				t.Errorf("signature_status %q, want %q", ev.SignatureStatus, want)
			}
		})
	}
}
