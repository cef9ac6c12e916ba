package bulkproxy

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ttpscope/ttpscope/shared/enrich"
)

// metrics are the proxy's Prometheus collectors, registered on its own registry.
type metrics struct {
	reg             *prometheus.Registry
	requests        *prometheus.CounterVec   // endpoint, code
	inFlight        prometheus.Gauge         //
	actions         *prometheus.CounterVec   // action
	enriched        *prometheus.CounterVec   // status (ok, skipped, error)
	classes         *prometheus.CounterVec   // class
	malformed       prometheus.Counter       //
	enrichDuration  prometheus.Histogram     //
	upstreamLatency *prometheus.HistogramVec // endpoint
	upstreamErrors  *prometheus.CounterVec   // kind (connect, status)
	itemErrors      prometheus.Counter       //
}

func newMetrics() (*metrics, error) {
	const ns = "ttpscope_proxy"
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "requests_total",
			Help: "HTTP requests answered, by endpoint (bulk, passthrough, refused, metrics) and status code."}, []string{"endpoint", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "in_flight_requests",
			Help: "Requests being served now."}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "bulk_actions_total",
			Help: "Bulk actions received, by action (index, create, update, delete)."}, []string{"action"}),
		enriched: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "documents_enriched_total",
			Help: "index/create documents run through the enricher, by result status (ok, skipped, error)."}, []string{"status"}),
		classes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "documents_class_total",
			Help: "Documents classified, by class."}, []string{"class"}),
		malformed: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "documents_malformed_total",
			Help: "index/create sources that were not a JSON object, answered with a per-item 400 and not forwarded."}),
		enrichDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "enrich_duration_seconds",
			Help: "Time to enrich the documents of one bulk request.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
		upstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "upstream_duration_seconds",
			Help: "Upstream request latency until the response headers, by endpoint.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}, []string{"endpoint"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "upstream_errors_total",
			Help: "Upstream failures: kind=connect (no response, answered 502), kind=429 or kind=5xx (relayed)."}, []string{"kind"}),
		itemErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "bulk_item_errors_total",
			Help: "Bulk items answered with an error (upstream or proxy)."}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.inFlight, m.actions, m.enriched, m.classes, m.malformed,
		m.enrichDuration, m.upstreamLatency, m.upstreamErrors, m.itemErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// cacheCounters exports the enricher's result-cache counters, read at scrape time.
func (m *metrics) cacheCounters(stats func() enrich.Stats) error {
	const ns = "ttpscope_proxy"
	for _, c := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Name: "cache_hits_total",
			Help: "Documents whose normalized text was found in the result cache."}, func() float64 { return float64(stats().Cache.Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Name: "cache_misses_total",
			Help: "Documents whose normalized text was not in the result cache."}, func() float64 { return float64(stats().Cache.Misses) }),
	} {
		if err := m.reg.Register(c); err != nil {
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) upstreamStatus(status int) {
	switch {
	case status == http.StatusTooManyRequests:
		m.upstreamErrors.WithLabelValues("429").Inc()
	case status >= 500:
		m.upstreamErrors.WithLabelValues("5xx").Inc()
	}
}
