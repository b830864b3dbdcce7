// Package metrics is what the process tells an operator's Prometheus: HTTP requests by route
// pattern, database calls, sign-in failures, the Go runtime, and whatever collectors the server
// adds (the scheduler and the outboxes, read from the database at scrape time). One Registry per
// process, never the global one, so that tests build as many servers as they like.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds the process's metrics.
type Registry struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	requestSeconds *prometheus.HistogramVec
	storeSeconds   *prometheus.HistogramVec
	signInFailures prometheus.Counter
}

// New makes a registry with the Go runtime and process collectors.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "crm_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	r.requestSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "crm_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	r.storeSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "crm_store_call_duration_seconds", Help: "Time of one database call, by operation and outcome (ok or error).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
	}, []string{"op", "outcome"})
	r.signInFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "crm_signin_failures_total", Help: "Refused sign-ins (wrong credentials, locked out, deactivated).",
	})
	r.reg.MustRegister(r.requests, r.requestSeconds, r.storeSeconds, r.signInFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Register adds a collector of the server's own (the scheduler's and the outboxes' state).
func (r *Registry) Register(c prometheus.Collector) error { return r.reg.Register(c) }

// Handler serves the text exposition format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// ObserveRequest counts one answered request. route is the pattern ("/api/records/:object/:id"),
// never the path, so that ids do not make a series each.
func (r *Registry) ObserveRequest(route, method string, status int, took time.Duration) {
	r.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	r.requestSeconds.WithLabelValues(route, method).Observe(took.Seconds())
}

// SignInFailed counts one refused sign-in.
func (r *Registry) SignInFailed() { r.signInFailures.Inc() }

func (r *Registry) observeStore(op string, start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	r.storeSeconds.WithLabelValues(op, outcome).Observe(time.Since(start).Seconds())
}
