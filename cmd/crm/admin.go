package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"crm/engine"
)

// adminCreate adds an administrator directly in the database.
func adminCreate(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", os.Getenv("CRM_ADMIN_EMAIL"), "email (env CRM_ADMIN_EMAIL)")
	password := fs.String("password", os.Getenv("CRM_ADMIN_PASSWORD"), "password (env CRM_ADMIN_PASSWORD; prefer the env var, flags show in ps)")
	name := fs.String("name", "Administrator", "display name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return usageError("crm admin create needs --email and a password (--password or CRM_ADMIN_PASSWORD)")
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := e.CreateUser(ctx, engine.SystemActor, strings.TrimSpace(*email), *name, *password, []string{engine.RoleAdmin})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "admin %s created (id %s)\n", u.Email, u.ID)
	return nil
}
