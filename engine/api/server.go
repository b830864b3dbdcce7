package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"crm/engine"
	"crm/engine/metrics"
)

// Config is what the HTTP app is built from.
type Config struct {
	Engine       *engine.Engine
	Logger       *slog.Logger  // nil: slog.Default()
	BodyLimit    int           // bytes; 0: 1 MiB
	ReadTimeout  time.Duration // 0: 15 s
	WriteTimeout time.Duration // 0: 30 s
	IdleTimeout  time.Duration // 0: 60 s
	SecureCookie bool          // mark the session cookies Secure and send Strict-Transport-Security (behind TLS)
	// TrustedProxies are the addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For
	// names the client; without them the connecting address is the client's, for the
	// per-address sign-in limit and the audit trail.
	TrustedProxies []string
	// Metrics receives the request metrics and serves /metrics; nil: a registry of the app's own.
	Metrics *metrics.Registry
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// Ready adds the process's own readiness to /readyz (the scheduler running); nil: none.
	Ready func(context.Context) error
}

// New builds the Fiber app with every route.
func New(cfg Config) *fiber.App {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 15 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 60 * time.Second
	}
	app := fiber.New(fiber.Config{
		AppName: "crm",
		// Params, queries, headers and bodies are copies: without it they are views of a buffer
		// the next request reuses, and a value kept beyond its handler (a cache key) changes.
		Immutable:               true,
		BodyLimit:               uploadLimit(cfg),
		ReadTimeout:             cfg.ReadTimeout,
		WriteTimeout:            cfg.WriteTimeout,
		IdleTimeout:             cfg.IdleTimeout,
		DisableStartupMessage:   true,
		ErrorHandler:            errorHandler(cfg.Logger),
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		EnableIPValidation:      true,
	})
	app.Use(securityHeaders(cfg.SecureCookie))
	app.Use(bodyLimit(cfg.BodyLimit))
	app.Use(requestid.New())
	app.Use(func(c *fiber.Ctx) error { // the request id and the client's address reach the audit trail
		ctx := engine.WithRequestID(c.UserContext(), c.GetRespHeader(fiber.HeaderXRequestID))
		c.SetUserContext(engine.WithClientIP(ctx, c.IP()))
		return c.Next()
	})
	app.Use(accessLog(cfg.Logger, cfg.Metrics))
	app.Use(recover.New())

	e := cfg.Engine
	mountProbes(app, cfg)
	a := app.Group("/api", func(c *fiber.Ctx) error {
		// Answers name records, people and secrets: no cache, shared or private, keeps them.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	})
	a.Get("/health", health(e))
	a.Get("/openapi.json", openAPI(e))
	a.Post("/auth/login", login(e, cfg.SecureCookie, cfg.Metrics))
	a.Post("/auth/logout", logout(e))
	a.Post("/auth/set-password", setPassword(e))
	mountWebForms(app, a, e)

	authed := a.Group("", authenticate(e, cfg.SecureCookie))
	authed.Get("/auth/me", me(e))
	authed.Patch("/auth/me", updateMe(e))
	authed.Post("/auth/logout-all", logoutAll(e))
	authed.Post("/auth/password", changePassword(e))
	authed.Get("/auth/tokens", listTokens(e))
	authed.Post("/auth/tokens", createToken(e))
	authed.Delete("/auth/tokens/:id", revokeToken(e))

	authed.Get("/meta/objects", listObjects(e))
	authed.Post("/meta/objects", createObject(e))
	authed.Get("/meta/objects/:object", getObject(e))
	authed.Put("/meta/objects/:object", updateObject(e))
	authed.Delete("/meta/objects/:object", deleteObject(e))
	authed.Get("/meta/objects/:object/history", objectHistory(e))
	authed.Get("/meta/objects/:object/rollups", rollupBackfill(e))
	authed.Get("/meta/export", exportPackage(e))
	authed.Post("/meta/import", importPackage(e))

	authed.Post("/meta/expressions/check", checkExpression(e))
	authed.Get("/meta/expressions/library", expressionLibrary())

	authed.Get("/forms/:object", getForm(e))
	authed.Post("/forms/:object/evaluate", evaluateForm(e))
	authed.Post("/meta/forms/preview", previewForm(e))

	authed.Get("/users", listUsers(e))
	authed.Post("/users", saveUser(e))
	authed.Get("/users/:id", getUser(e))
	authed.Patch("/users/:id", saveUser(e))
	authed.Post("/users/:id/revoke-sessions", revokeUserSessions(e))
	authed.Post("/users/:id/password-link", createPasswordLink(e))
	mountEmail(authed, e)
	mountDefinitions(authed, e) // teams, roles, automations, dashboards, calendars, SLA policies, approval processes
	authed.Get("/audit", listAudit(e))
	authed.Get("/search", search(e))

	authed.Get("/dashboards/:name/data", dashboardData(e))
	authed.Post("/reports/run", runReport(e))
	authed.Post("/reports/run/rows", reportRows(e))
	authed.Get("/reports/:name/data", runReport(e))
	authed.Get("/reports/:name/rows", reportRows(e))
	authed.Get("/reports/:name/export", exportReport(e))
	authed.Get("/meta/web-forms/:name/stats", webFormStats(e))
	mountTestRoutes(authed, e)
	authed.Get("/views", listViews(e))
	authed.Post("/views", saveView(e))
	authed.Put("/views/:id", saveView(e))
	authed.Delete("/views/:id", deleteView(e))
	authed.Get("/notifications", listNotifications(e))
	authed.Post("/notifications/read-all", markRead(e))
	authed.Post("/notifications/:id/read", markRead(e))
	authed.Get("/jobs", listJobs(e))
	authed.Get("/webhooks/deliveries", listDeliveries(e))
	authed.Get("/webhooks/deliveries/:id", getDelivery(e))
	authed.Post("/webhooks/deliveries/:id/retry", retryDelivery(e))
	authed.Get("/admin/webhook-allowlist", getWebhookAllowList(e))
	authed.Put("/admin/webhook-allowlist", saveWebhookAllowList(e))
	authed.Get("/meta/assignment-rules/:object", getAssignmentRules(e))
	authed.Put("/meta/assignment-rules/:object", saveAssignmentRules(e))
	authed.Post("/records/:object/:id/assign", assignRecord(e))
	authed.Get("/records/:object/:id/sla", recordSLA(e))
	authed.Get("/sla/report", slaReport(e))

	authed.Get("/approvals", listApprovals(e))
	authed.Get("/approvals/:id", getApproval(e))
	authed.Post("/approvals/:id/:action", actOnApproval(e))
	authed.Post("/records/:object/:id/approvals", submitApproval(e))
	authed.Get("/records/:object/:id/approvals", recordApprovals(e))

	authed.Get("/records/:object/:id/history", recordHistory(e))
	authed.Get("/records/:object/:id/runs", recordRuns(e))
	authed.Get("/records/:object/:id/automations", manualActions(e))
	authed.Get("/records/:object/:id/activity", recordActivity(e))
	authed.Post("/records/:object/:id/automations/:name", runManual(e))
	authed.Get("/records/:object/:id/automations/:name/matches", manualMatches(e))
	authed.Get("/records/:object/aggregate", aggregateRecords(e))
	authed.Get("/records/:object/export", exportRecords(e))
	authed.Post("/records/:object/merge", mergeRecords(e))
	authed.Post("/records/:object/:id/claim", claimRecord(e))
	authed.Post("/records/:object/:id/return", returnRecord(e))
	authed.Post("/records/:object/bulk", bulkRecords(e))
	mountImports(authed, e)
	authed.Post("/records/:object/duplicates", checkDuplicates(e))
	authed.Post("/records/:object", createRecord(e))
	authed.Get("/records/:object", listRecords(e))
	authed.Get("/records/:object/:id", getRecord(e))
	authed.Patch("/records/:object/:id", updateRecord(e))
	authed.Delete("/records/:object/:id", deleteRecord(e))

	a.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	mountUI(app)
	return app
}

// accessLog writes one structured line per request and counts it by route pattern. The app's
// own files (the UI route, answered well) are logged at debug: they would drown the API's lines.
func accessLog(log *slog.Logger, m *metrics.Registry) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
			status = c.Response().StatusCode()
		}
		took := time.Since(start)
		route := c.Route().Path
		m.ObserveRequest(route, c.Method(), status, took)
		level := slog.LevelInfo
		if route == uiRoute && status < 400 {
			level = slog.LevelDebug
		}
		log.Log(c.UserContext(), level, "http", "method", c.Method(), "path", c.Path(), "status", status,
			"ms", took.Milliseconds(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		return nil
	}
}
