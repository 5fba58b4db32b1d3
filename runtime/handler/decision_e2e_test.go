package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	intakees "github.com/callspec/callspec/generated/maintenance_report_intake_es/maintenancereportintakees"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

// deliveryWith encodes a call with the given status and end reason; ok is
// false when the platform's format cannot carry that status (the decoded
// delivery says something else), so there is nothing to test on it.
func (f *fixture) deliveryWith(callID, status, endReason string, fields map[string]any) ([]byte, bool) {
	f.t.Helper()
	in := &event.Inbound{
		Call:       event.Call{ID: callID, Provider: f.p.Name(), Status: status, EndReason: endReason, Direction: "inbound", DurationS: 30},
		CallerFrom: callerNumber, CallerPhone: callerNumber, CalledTo: "+15550000000",
		Fields: fields,
	}
	body, err := f.p.Encode(in, intake.Definition())
	if err != nil {
		f.t.Fatal(err)
	}
	back, err := f.p.Decode(body, intake.Definition())
	if err != nil {
		f.t.Fatal(err)
	}
	return body, back.Call.Status == status
}

// TestDecisionOrderPerProvider posts, for every platform, a signed
// delivery for each step of the decision order over real HTTP and checks
// what the service was handed.
func TestDecisionOrderPerProvider(t *testing.T) {
	cases := []struct {
		name, status, endReason string
		fields                  map[string]any
		// reason is the handoff reason, "" for a completed call.
		reason    string
		missing   []string
		undecided []string
	}{
		// Step 1: failed or never answered, whatever the fields say.
		{"failed call with every field", "failed", "error", routine(), event.CallFailed, []string{}, []string{}},
		{"no answer", "no_answer", "no_answer", map[string]any{}, event.NoAnswer, []string{"issue_type", "location", "urgency"}, []string{}},
		{"busy", "busy", "busy", map[string]any{}, event.NoAnswer, []string{"issue_type", "location", "urgency"}, []string{}},
		{"voicemail", "voicemail", "voicemail", map[string]any{}, event.NoAnswer, []string{"issue_type", "location", "urgency"}, []string{}},
		// Step 2: an emergency heard before the caller hung up.
		{"emergency without a location", "completed", "caller_hangup", map[string]any{"issue_type": "electrical", "urgency": "emergency"},
			"emergency_or_sensitive_request", []string{"location"}, []string{}},
		// Step 3: nothing is true, urgency is missing, so rule 1 is undecided.
		{"leak without urgency", "completed", "caller_hangup", map[string]any{"issue_type": "leak", "location": "sink"},
			event.IncompleteCall, []string{"urgency"}, []string{"emergency_or_sensitive_request"}},
		// Step 4: optional values that are placeholders or not E.164 are
		// left out; the call completes.
		{"callback phone N/A", "completed", "caller_hangup", with(routine(), "callback_phone", "N/A"), "", nil, nil},
		{"callback phone in national format", "completed", "caller_hangup", with(routine(), "callback_phone", "(555) 010-0222"), "", nil, nil},
	}
	for _, name := range providers.Names() {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, name)
			tested := map[string]bool{}
			defer func() {
				if !tested["failed"] && !tested["no_answer"] && !tested["busy"] && !tested["voicemail"] {
					t.Errorf("%s: no delivery tested step 1", name)
				}
			}()
			for i, tc := range cases {
				body, ok := f.deliveryWith("call-order-"+tc.name, tc.status, tc.endReason, tc.fields)
				if !ok {
					// Every platform can say completed; the others are
					// only skipped where the format cannot carry them.
					if tc.status == "completed" {
						t.Fatalf("%s: %s cannot carry a completed call", tc.name, name)
					}
					t.Logf("%s: %s cannot say status %s", tc.name, name, tc.status)
					continue
				}
				tested[tc.status] = true
				if status, answer := f.post(body, time.Now(), secret); status != http.StatusOK {
					t.Fatalf("%s: %d %s", tc.name, status, answer)
				}
				outcomes, handoffs := f.svc.counts()
				if tc.reason == "" {
					if outcomes == 0 || f.svc.outcomes[outcomes-1].Event.IdempotencyKey != "call-order-"+tc.name {
						t.Errorf("%s: want a completed call; outcomes %d handoffs %d", tc.name, outcomes, handoffs)
						continue
					}
					o := f.svc.outcomes[outcomes-1]
					if o.Fields.CallbackPhone != nil {
						t.Errorf("%s: the callback phone %q was not left out", tc.name, *o.Fields.CallbackPhone)
					}
					continue
				}
				if handoffs == 0 {
					t.Errorf("%s (case %d): no handoff", tc.name, i)
					continue
				}
				h := f.svc.handoffs[handoffs-1]
				if h.Event.IdempotencyKey != "call-order-"+tc.name || h.Reason() != intake.HandoffReason(tc.reason) ||
					!slices.Equal(h.Info.MissingFields, tc.missing) || !slices.Equal(h.Info.UndecidedRules, tc.undecided) || h.Info.InvalidFields == nil {
					b, _ := json.Marshal(h.Info)
					t.Errorf("%s: handoff %s, want %s missing %v undecided %v", tc.name, b, tc.reason, tc.missing, tc.undecided)
				}
			}
		})
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

// spanish records what the Spanish workflow's handler hands it.
type spanish struct {
	outcomes []*intakees.Outcome
	handoffs []*intakees.Handoff
}

func (s *spanish) CrearOrdenDeTrabajo(_ context.Context, o *intakees.Outcome) error {
	s.outcomes = append(s.outcomes, o)
	return nil
}

func (s *spanish) Handoff(_ context.Context, h *intakees.Handoff) error {
	s.handoffs = append(s.handoffs, h)
	return nil
}

// TestSpanishWorkflowOverHTTP: the generated handler of a spec with
// language es and phone_region MX reads a national number into E.164,
// leaves a Spanish placeholder out, and tells an incomplete caller the
// spec's Spanish message.
func TestSpanishWorkflowOverHTTP(t *testing.T) {
	st, err := storeopen.Open("memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := &spanish{}
	h, err := intakees.NewHandler(svc, "vapi", handler.Config{Store: st, Secret: []byte(secret), Inbox: idleInbox(t, st)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(inline(t, h))
	defer srv.Close()
	p, _ := providers.Lookup("vapi")
	post := func(id string, fields map[string]any) {
		t.Helper()
		body, err := p.Encode(&event.Inbound{Call: event.Call{ID: id, Provider: "vapi", Status: "completed", DurationS: 60}, Fields: fields}, intakees.Definition())
		if err != nil {
			t.Fatal(err)
		}
		headers, _ := p.Sign([]byte(secret), body, time.Now())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header = headers
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", id, resp.StatusCode)
		}
	}
	routine := map[string]any{"tipo_de_problema": "fuga", "ubicacion": "cocina", "urgencia": "normal"}
	post("c-nacional", with(maps.Clone(routine), "telefono_de_contacto", "55 1234 5678"))
	post("c-placeholder", with(maps.Clone(routine), "telefono_de_contacto", "No proporcionado"))
	post("c-incompleta", map[string]any{"tipo_de_problema": "fuga"})
	if len(svc.outcomes) != 2 || len(svc.handoffs) != 1 {
		t.Fatalf("%d outcomes, %d handoffs", len(svc.outcomes), len(svc.handoffs))
	}
	if p := svc.outcomes[0].Fields.TelefonoDeContacto; p == nil || *p != "+525512345678" {
		t.Errorf("national number: %v, want +525512345678", p)
	}
	if p := svc.outcomes[1].Fields.TelefonoDeContacto; p != nil {
		t.Errorf("placeholder kept: %q", *p)
	}
	inc := svc.handoffs[0]
	if inc.Reason() != intakees.HandoffIncompleteCall || inc.Info.Owner != "mantenimiento" || !slices.Equal(inc.Info.Notify, []string{"slack"}) ||
		inc.Info.CallerMessage != "No he podido recoger todo lo necesario. Una persona del equipo le llamará para completar su reporte." {
		t.Errorf("incomplete handoff: %+v", inc.Info)
	}
}
