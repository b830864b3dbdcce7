package api

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"

	"crm/engine"
)

// mountProbes adds what an orchestrator and Prometheus ask: /livez (the process answers),
// /readyz (it can serve: database, definitions, scheduler; 503 with the reason otherwise) and
// /metrics. They sit outside /api: no session, no cache headers of the API's.
func mountProbes(app *fiber.App, cfg Config) {
	e := cfg.Engine
	app.Get("/livez", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/readyz", func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		err := e.Ready(ctx)
		if err == nil && cfg.Ready != nil {
			err = cfg.Ready(ctx)
		}
		if err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "reason": err.Error()})
		}
		return c.JSON(fiber.Map{"status": "ok"})
	})
	// Registering twice (a second app over one registry, as tests do) keeps the first collector.
	_ = cfg.Metrics.Register(opsCollector{e: e})
	serveMetrics := adaptor.HTTPHandler(cfg.Metrics.Handler())
	app.Get("/metrics", func(c *fiber.Ctx) error {
		if cfg.MetricsToken != "" {
			got := []byte(c.Get(fiber.HeaderAuthorization))
			if subtle.ConstantTimeCompare(got, []byte("Bearer "+cfg.MetricsToken)) != 1 {
				return fiber.ErrUnauthorized
			}
		}
		return serveMetrics(c)
	})
}

// opsCollector reads the scheduler's and the outboxes' state from the database at scrape time.
type opsCollector struct{ e *engine.Engine }

var (
	descDueJobs = prometheus.NewDesc("crm_jobs_due", "Pending jobs whose time has come.", nil, nil)
	descLag     = prometheus.NewDesc("crm_scheduler_lag_seconds", "How long the oldest due job has waited.", nil, nil)
	descDead    = prometheus.NewDesc("crm_jobs_dead", "Jobs that spent their attempts.", nil, nil)
	descOutbox  = prometheus.NewDesc("crm_outbox_messages", "Messages of an outbox by status (webhook: pending, failed, dead; email: pending, sending, failed, dead, uncertain).",
		[]string{"outbox", "status"}, nil)
	descScrapeErr = prometheus.NewDesc("crm_ops_scrape_error", "1 when the last read of the jobs and outboxes failed.", nil, nil)
)

func (o opsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDueJobs
	ch <- descLag
	ch <- descDead
	ch <- descOutbox
	ch <- descScrapeErr
}

func (o opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := o.e.OpsStats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descScrapeErr, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(descScrapeErr, prometheus.GaugeValue, 0)
	ch <- prometheus.MustNewConstMetric(descDueJobs, prometheus.GaugeValue, float64(s.DueJobs))
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, s.Lag.Seconds())
	ch <- prometheus.MustNewConstMetric(descDead, prometheus.GaugeValue, float64(s.DeadJobs))
	for status, n := range s.Deliveries {
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), "webhook", status)
	}
	for status, n := range s.Emails {
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), "email", status)
	}
}
