package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/metrics"
)

// serve runs the HTTP server until ctx ends (SIGINT/SIGTERM), then shuts down gracefully:
// in-flight requests finish, then the database is closed.
func serve(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("CRM_ADDR", "127.0.0.1:8080"), "listen address (env CRM_ADDR)")
	bodyLimit := fs.Int("body-limit", envInt("CRM_BODY_LIMIT", 1<<20), "largest request body in bytes (env CRM_BODY_LIMIT)")
	secure := fs.Bool("secure-cookie", os.Getenv("CRM_SECURE_COOKIE") == "true",
		"served over TLS: Secure cookies and Strict-Transport-Security (env CRM_SECURE_COOKIE=true)")
	proxies := fs.String("trusted-proxies", os.Getenv("CRM_TRUSTED_PROXIES"),
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (env CRM_TRUSTED_PROXIES)")
	demo := fs.Bool("demo", os.Getenv("CRM_DEMO") == "true", "with the first-start template, also add its sample users and records (env CRM_DEMO=true)")
	tmpl := fs.String("template", envOr("CRM_TEMPLATE", "default"), "template applied when the database has no objects yet; none: start empty (env CRM_TEMPLATE)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	trusted, err := parseProxies(*proxies)
	if err != nil {
		return usageError(err.Error())
	}
	reg := metrics.New()
	sf.wrap = reg.Store // every database call is timed for /metrics
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := bootstrapAdmin(ctx, e, log); err != nil {
		return err
	}
	defaults, err := warnDefaultPassword(ctx, e, log)
	if err != nil {
		return err
	}
	if err := firstStartTemplate(ctx, e, *tmpl, *demo, log); err != nil {
		return err
	}
	sched, err := e.StartScheduler(ctx) // what came due while stopped runs in the background
	if err != nil {
		return err
	}
	defer sched.Stop()
	app := api.New(api.Config{Engine: e, Logger: log, BodyLimit: *bodyLimit, SecureCookie: *secure, TrustedProxies: trusted,
		Metrics: reg, MetricsToken: os.Getenv("CRM_METRICS_TOKEN"), Ready: func(context.Context) error { return sched.Running() }})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "version", version)
	fmt.Fprintf(os.Stderr, "\nOpen %s in a browser%s\n\n", "http://"+ln.Addr().String(), signInHint(defaults))
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil {
		log.Warn("shutdown", "err", err)
	}
	if err := e.FlushCounts(context.WithoutCancel(ctx)); err != nil {
		log.Warn("web form counts not stored at shutdown", "err", err)
	}
	return nil
}

// bootstrapAdmin creates the first administrator from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD when
// nobody can sign in yet.
func bootstrapAdmin(ctx context.Context, e *engine.Engine, log *slog.Logger) error {
	n, err := e.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	email, password := os.Getenv("CRM_ADMIN_EMAIL"), os.Getenv("CRM_ADMIN_PASSWORD")
	if email == "" || password == "" {
		log.Warn("no users yet: set CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD or run 'crm admin create'")
		return nil
	}
	u, err := e.CreateUser(ctx, engine.SystemActor, email, "Administrator", password, []string{engine.RoleAdmin})
	if err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	log.Info("first admin created", "email", email)
	if password == engine.DefaultAdminPassword {
		if err := e.MarkDefaultPassword(ctx, u.ID); err != nil {
			return err
		}
	}
	return nil
}

// signInHint names the account to sign in with when the first admin came from the environment
// (as `make run` sets it); the password is printed only when it is the well-known default.
func signInHint(defaults []string) string {
	email := strings.ToLower(strings.TrimSpace(os.Getenv("CRM_ADMIN_EMAIL")))
	switch {
	case email == "":
		return ""
	case slices.Contains(defaults, email):
		return fmt.Sprintf(" and sign in as %s with the password %s (change it after signing in)", email, engine.DefaultAdminPassword)
	default:
		return fmt.Sprintf(" and sign in as %s", email)
	}
}

// warnDefaultPassword logs, at every start, the users whose password is still the default one
// `make run` sets, until they change it.
func warnDefaultPassword(ctx context.Context, e *engine.Engine, log *slog.Logger) ([]string, error) {
	emails, err := e.DefaultPasswordUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, email := range emails {
		log.Warn("this user's password is the default one: change it (the app shows how) before anyone else can reach this server", "email", email)
	}
	return emails, nil
}

// firstStartTemplate applies a template to a database that has no objects yet, so a fresh
// install starts as a working CRM.
func firstStartTemplate(ctx context.Context, e *engine.Engine, name string, demo bool, log *slog.Logger) error {
	if name == "" || name == "none" {
		return nil
	}
	objs, err := e.ListObjects(ctx, engine.SystemActor)
	if err != nil || len(objs) > 0 {
		return err
	}
	res, sum, err := applyTemplate(ctx, e, name, demo, engine.ImportOptions{})
	if err != nil {
		return err
	}
	log.Info("template applied to the empty database", "template", res.Package, "version", res.Version, "created", len(res.Created))
	if sum == nil {
		return nil
	}
	log.Info("demo data added", "users", sum.Users, "records", sum.Records, "password", engine.DemoPassword)
	return nil
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

// parseProxies reads the trusted proxy list; a typo must not silently trust nobody (or everybody).
func parseProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR range", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
