package scenario_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/scenario"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/callurl"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/store/storeopen"
)

const diffSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

var examplePayload = regexp.MustCompile("(?s)### Example payload\n.*?```json\n(.*?)```")

// TestDifferentialHandlerTestDocs: on generated specs and random field
// sets (placeholders, invalid and missing values, failed and unanswered
// calls included), the deployed handler (a signed delivery over HTTP),
// callspec test (scenario.Decide) and the docs page's example payload
// decide every call the same way.
func TestDifferentialHandlerTestDocs(t *testing.T) {
	p, err := providers.Lookup("callurl")
	if err != nil {
		t.Fatal(err)
	}
	steps := map[workflow.Step]int{}
	for i := range 12 {
		src := specgen.Spec(42, i)
		s, _ := spec.Load(fmt.Sprintf("gen_%d.yaml", i), src)
		u, findings := check.Check(s)
		if s == nil || len(findings) > 0 {
			t.Fatalf("generated spec %d does not check: %v", i, findings)
		}
		w := u.IR
		c, err := scenario.Compile(w)
		if err != nil {
			t.Fatal(err)
		}
		st, err := storeopen.Open("memory:")
		if err != nil {
			t.Fatal(err)
		}
		var got *event.Event
		h, err := handler.NewFor(c, "callurl", handler.Config{Store: st, Secret: []byte(diffSecret)}, func(_ context.Context, ev *event.Event) error {
			got = ev
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		r := rand.New(rand.NewPCG(42, uint64(i)))
		for j := range 25 {
			sc := ir.Scenario{Name: "random", Kind: ir.KindRoutine, Fields: randomFields(r, w),
				Call: event.Call{ID: fmt.Sprintf("call_%d_%d", i, j), Provider: "callurl", Status: randomStatus(r), DurationS: 42}}
			// callspec test.
			d := scenario.Decide(c, w, &sc, event.SignatureVerified)
			steps[d.Step]++
			want := decisionJSON(t, d.Event)
			// The handler, over HTTP with a real signature.
			got = nil
			body, err := p.Encode(sc.Inbound(), w.Definition())
			if err != nil {
				t.Fatal(err)
			}
			headers, err := p.Sign([]byte(diffSecret), body, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
			req.Header = headers
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || got == nil {
				t.Fatalf("spec %d call %d: handler answered %d", i, j, resp.StatusCode)
			}
			if h := decisionJSON(t, got); h != want {
				t.Errorf("spec %d call %d (%v): handler and callspec test disagree\nhandler %s\ntest    %s", i, j, sc.Fields, h, want)
			}
			// The docs page's example payload for the same call.
			page := *w
			page.Tests = []ir.Scenario{sc}
			b, err := docpage.Page(&page, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := examplePayload.FindSubmatch(b)
			if m == nil {
				t.Fatalf("spec %d: the page has no example payload", i)
			}
			var ev event.Event
			if err := json.Unmarshal(m[1], &ev); err != nil {
				t.Fatal(err)
			}
			// The page shows personal data as placeholders.
			if doc, want := decisionJSON(t, &ev), decisionJSON(t, docpage.WithPlaceholders(d.Event, w)); doc != want {
				t.Errorf("spec %d call %d: docs page and callspec test disagree\ndocs %s\ntest %s", i, j, doc, want)
			}
		}
		srv.Close()
		st.Close()
	}
	t.Logf("decided at each step: %v", steps)
	// The random calls reach every step of the order.
	for s := workflow.StepCallEnded; s <= workflow.StepCompleted; s++ {
		if steps[s] == 0 {
			t.Errorf("no random call was decided at step %d (%v)", s, steps)
		}
	}
}

// decisionJSON is what the three must agree on: the event type, the next
// action, the handoff block and the validated fields.
func decisionJSON(t *testing.T, ev *event.Event) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Event      string
		NextAction string
		Handoff    *event.HandoffInfo
		Fields     map[string]any
	}{ev.Event, ev.NextAction, ev.Handoff, ev.Fields})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func randomStatus(r *rand.Rand) string {
	return []string{"completed", "completed", "completed", "completed", "completed", "completed", "failed", "no_answer", "busy", "voicemail"}[r.IntN(10)]
}

// randomFields gives each field, at random, a valid value (mostly), a
// placeholder, an invalid value, null, or nothing.
func randomFields(r *rand.Rand, w *ir.Workflow) map[string]any {
	out := map[string]any{}
	for _, f := range w.Fields {
		switch r.IntN(24) {
		case 0:
			continue
		case 1:
			out[f.Name] = nil
		case 2:
			out[f.Name] = []string{"N/A", "unknown", "none", "-", "not provided"}[r.IntN(5)]
		case 3:
			out[f.Name] = "not-a-value-" + f.Name
		default:
			out[f.Name] = validValue(r, &f.Field, f.Type)
		}
	}
	return out
}

func validValue(r *rand.Rand, f *workflow.Field, kind celenv.Kind) any {
	switch kind {
	case celenv.Enum:
		return f.Values[r.IntN(len(f.Values))]
	case celenv.ListKind:
		items := []any{}
		for range r.IntN(3) {
			items = append(items, validValue(r, f, f.Items))
		}
		return items
	case celenv.Boolean:
		return r.IntN(2) == 0
	case celenv.Number:
		return float64(r.IntN(200)) + 0.5
	case celenv.Integer:
		return float64(r.IntN(200))
	case celenv.Phone:
		return "+1555" + fmt.Sprint(1000000+r.IntN(8999999))
	case celenv.Email:
		return "caller@example.com"
	case celenv.Date:
		return fmt.Sprintf("2026-0%d-15", 1+r.IntN(9))
	case celenv.DateTime:
		return fmt.Sprintf("2025-12-%02dT10:00:00Z", 1+r.IntN(28))
	}
	return []string{"a complaint about billing", "some words", "question"}[r.IntN(3)]
}
