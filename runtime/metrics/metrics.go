// Package metrics counts what the handlers and the queue workers of one
// process do, in Prometheus form (github.com/prometheus/client_golang),
// for `callspec serve`'s /metrics. Every label is an id, a platform name,
// an outcome or a handoff reason: never a value a caller said.
//
//	callspec_deliveries_total{workflow, platform, result}   every answered delivery; result is the log's outcome
//	callspec_decisions_total{workflow, event, reason}        every decided event; reason is "" for a completed call
//	callspec_ignored_events_total{workflow, platform}        deliveries of an event type the workflow does not process
//	callspec_signature_failures_total{workflow, platform}    deliveries refused 401
//	callspec_handler_duration_seconds{workflow, platform}    how long the handler took to answer
//	callspec_queue_attempts_total{queue, workflow, result}   service calls (queue "service") and forwards ("forward"): delivered, retry, dead
//	callspec_queue_attempt_duration_seconds{queue, workflow} how long a service call or a forward took
//	callspec_queue_messages{queue, state}                    inbox and outbox depth: pending, delivered, dead (read from the store at each scrape)
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/callspec/callspec/runtime/queue"
	"github.com/callspec/callspec/runtime/store"
)

// Metrics implements handler.Metrics and the workers' Observe.
type Metrics struct {
	reg        *prometheus.Registry
	deliveries *prometheus.CounterVec
	decisions  *prometheus.CounterVec
	ignored    *prometheus.CounterVec
	badSig     *prometheus.CounterVec
	handlerDur *prometheus.HistogramVec
	attempts   *prometheus.CounterVec
	attemptDur *prometheus.HistogramVec
}

// scrapeTimeout bounds reading the queue depths from the store.
const scrapeTimeout = 5 * time.Second

// New registers the metrics; st, when not nil, is read for the queue
// depths at every scrape.
func New(st store.Store) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callspec_deliveries_total", Help: "Deliveries answered, by workflow, platform and result (the log's outcome).",
		}, []string{"workflow", "platform", "result"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callspec_decisions_total", Help: "Events decided, by workflow, event type and handoff reason (empty for a completed call).",
		}, []string{"workflow", "event", "reason"}),
		ignored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callspec_ignored_events_total", Help: "Deliveries of an event type the workflow does not process.",
		}, []string{"workflow", "platform"}),
		badSig: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callspec_signature_failures_total", Help: "Deliveries refused because their signature did not verify.",
		}, []string{"workflow", "platform"}),
		handlerDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "callspec_handler_duration_seconds", Help: "How long the handler took to answer a delivery.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"workflow", "platform"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callspec_queue_attempts_total", Help: "Attempts of the inbox (queue service: calls of the user's service) and the outbox (queue forward), by result: delivered, retry, dead.",
		}, []string{"queue", "workflow", "result"}),
		attemptDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "callspec_queue_attempt_duration_seconds", Help: "How long a call of the user's service (queue service) or a forward (queue forward) took.",
			Buckets: prometheus.DefBuckets,
		}, []string{"queue", "workflow"}),
	}
	m.reg.MustRegister(m.deliveries, m.decisions, m.ignored, m.badSig, m.handlerDur, m.attempts, m.attemptDur)
	if st != nil {
		m.reg.MustRegister(depth{st: st, desc: prometheus.NewDesc("callspec_queue_messages",
			"Messages in the inbox (queue service) and the outbox (queue forward), by state.", []string{"queue", "state"}, nil)})
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Delivery counts one answered delivery.
func (m *Metrics) Delivery(workflowID, provider, outcome string, d time.Duration) {
	m.deliveries.WithLabelValues(workflowID, provider, outcome).Inc()
	switch outcome {
	case "bad_signature":
		m.badSig.WithLabelValues(workflowID, provider).Inc()
	case "ignored":
		m.ignored.WithLabelValues(workflowID, provider).Inc()
	}
	m.handlerDur.WithLabelValues(workflowID, provider).Observe(d.Seconds())
}

// Decision counts one decided event.
func (m *Metrics) Decision(workflowID, ev, reason string) {
	m.decisions.WithLabelValues(workflowID, ev, reason).Inc()
}

// Observe counts one recorded attempt of a queue worker (the Observe of
// inbox.Config and forward.Config).
func (m *Metrics) Observe(msg store.Message, result queue.Result, d time.Duration) {
	m.attempts.WithLabelValues(string(msg.Kind), msg.WorkflowID, string(result)).Inc()
	m.attemptDur.WithLabelValues(string(msg.Kind), msg.WorkflowID).Observe(d.Seconds())
}

// depth reads the queue depths from the store at each scrape.
type depth struct {
	st   store.Store
	desc *prometheus.Desc
}

func (d depth) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

func (d depth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	s, err := d.st.Stats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(d.desc, err)
		return
	}
	for _, kind := range store.Kinds {
		c := s.Of(kind)
		for state, n := range map[store.State]int64{store.Pending: c.Pending, store.Delivered: c.Delivered, store.Dead: c.Dead} {
			ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, float64(n), string(kind), string(state))
		}
	}
}
