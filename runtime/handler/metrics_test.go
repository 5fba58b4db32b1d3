package handler_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/runtime/handler"
	"github.com/callspec/callspec/runtime/inbox"
	"github.com/callspec/callspec/runtime/metrics"
	"github.com/callspec/callspec/runtime/store"
)

// TestMetricsScrape serves deliveries through a handler counted by
// runtime/metrics, scrapes /metrics over HTTP and parses the text format:
// a delivery, a duplicate, a bad signature, an incomplete call, a failed
// and then a successful service call.
func TestMetricsScrape(t *testing.T) {
	st := openDSN(t, "memory:")
	m := metrics.New(st)
	svc := &downService{failFirst: 1}
	w, err := inbox.New(inbox.Config{Store: st, Observe: m.Observe, Jitter: func() float64 { return 0 }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := intake.NewHandler(svc, "retell", handler.Config{Store: st, Secret: []byte(secret), Inbox: w, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	hooks := httptest.NewServer(inline(t, h))
	defer hooks.Close()
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()

	p, _ := providers.Lookup("retell")
	f := &fixture{t: t, p: p, srv: hooks}
	body := f.delivery("metrics-1", routine())
	f.post(body, time.Now(), secret)
	f.post(body, time.Now(), secret) // a duplicate
	if status, _ := f.post(body, time.Now(), "whsec_"+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); status != http.StatusUnauthorized {
		t.Fatalf("a wrong signature answered %d", status)
	}
	f.post(f.delivery("metrics-2", map[string]any{"issue_type": "leak"}), time.Now(), secret) // incomplete

	resp, err := http.Get(scrape.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the scrape does not parse as the Prometheus text format: %v", err)
	}
	wf := intake.Definition().ID
	for _, c := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"callspec_deliveries_total", map[string]string{"workflow": wf, "platform": "retell", "result": "processed"}, 2},
		{"callspec_deliveries_total", map[string]string{"workflow": wf, "platform": "retell", "result": "duplicate_done"}, 1},
		{"callspec_deliveries_total", map[string]string{"workflow": wf, "platform": "retell", "result": "bad_signature"}, 1},
		{"callspec_signature_failures_total", map[string]string{"workflow": wf, "platform": "retell"}, 1},
		{"callspec_decisions_total", map[string]string{"workflow": wf, "event": "call_app.completed", "reason": ""}, 1},
		{"callspec_decisions_total", map[string]string{"workflow": wf, "event": "call_app.handoff", "reason": "incomplete_call"}, 1},
		{"callspec_queue_attempts_total", map[string]string{"queue": "service", "workflow": wf, "result": "retry"}, 2},
		{"callspec_queue_attempts_total", map[string]string{"queue": "service", "workflow": wf, "result": "delivered"}, 2},
		{"callspec_queue_messages", map[string]string{"queue": "service", "state": "delivered"}, 2},
		{"callspec_queue_messages", map[string]string{"queue": "service", "state": "pending"}, 0},
		{"callspec_queue_messages", map[string]string{"queue": "forward", "state": "dead"}, 0},
		{"callspec_handler_duration_seconds", map[string]string{"workflow": wf, "platform": "retell"}, 4},
		{"callspec_queue_attempt_duration_seconds", map[string]string{"queue": "service", "workflow": wf}, 4},
	} {
		got, ok := sample(families[c.family], c.labels)
		if !ok {
			t.Errorf("%s%v: no sample", c.family, c.labels)
			continue
		}
		if got != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	if s, _ := st.Stats(t.Context()); s.Inbox != (store.Counts{Delivered: 2}) {
		t.Errorf("inbox = %+v", s.Inbox)
	}
}

// sample returns the value of the metric of mf whose labels are exactly
// labels: a counter's or gauge's value, a histogram's sample count.
func sample(mf *dto.MetricFamily, labels map[string]string) (float64, bool) {
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if v, ok := labels[l.GetName()]; !ok || v != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}
