package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"crm/engine"
	"crm/engine/api"
)

// serve runs the HTTP server until ctx ends (SIGINT/SIGTERM), then shuts down gracefully:
// in-flight requests finish, then the database is closed.
func serve(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("CRM_ADDR", "127.0.0.1:8080"), "listen address (env CRM_ADDR)")
	bodyLimit := fs.Int("body-limit", envInt("CRM_BODY_LIMIT", 1<<20), "largest request body in bytes (env CRM_BODY_LIMIT)")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := bootstrapAdmin(ctx, e, log); err != nil {
		return err
	}
	sched, err := e.StartScheduler(ctx) // catch-up first: what came due while stopped runs now
	if err != nil {
		return err
	}
	defer sched.Stop()
	app := api.New(api.Config{Engine: e, Logger: log, BodyLimit: *bodyLimit})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "version", version)
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
	return nil
}

// bootstrapAdmin creates the first administrator from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD when
// nobody can sign in yet.
func bootstrapAdmin(ctx context.Context, e *engine.Engine, log *slog.Logger) error {
	n, err := e.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email, password := os.Getenv("CRM_ADMIN_EMAIL"), os.Getenv("CRM_ADMIN_PASSWORD")
	if email == "" || password == "" {
		log.Warn("no users yet: set CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD or run 'crm admin create'")
		return nil
	}
	if _, err := e.CreateUser(ctx, engine.SystemActor, email, "Administrator", password, []string{engine.RoleAdmin}); err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	log.Info("first admin created", "email", email)
	return nil
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}
