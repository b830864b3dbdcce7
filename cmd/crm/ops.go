package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"crm/engine/store/sqlite"
)

// healthcheck asks a running server's /readyz and exits 1 unless it answers 200. The container
// image has no shell or curl, so its HEALTHCHECK runs the binary itself.
func healthcheck(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	url := fs.String("url", "", "probe URL (default http://ADDR/readyz with ADDR from env CRM_ADDR)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *url == "" {
		addr := envOr("CRM_ADDR", "127.0.0.1:8080")
		if strings.HasPrefix(addr, ":") || strings.HasPrefix(addr, "0.0.0.0:") {
			addr = "127.0.0.1:" + addr[strings.LastIndex(addr, ":")+1:]
		}
		*url = "http://" + addr + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError(err.Error())
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s %s", res.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

// restoreCmd puts a `crm backup` file in place as the embedded database. The server must be
// stopped (the data directory's lock says so); a database already there is kept beside it.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	force := fs.Bool("force", false, "replace the database in the data directory (it is kept as crm.db.before-restore-TIME)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("usage: crm restore [--data-dir DIR] [--force] FILE")
	}
	if sf.mongo != "" {
		return usageError("crm restore restores the embedded database; for MongoDB use mongorestore or your provider's snapshots")
	}
	kept, err := sqlite.Restore(ctx, sf.dataDir, fs.Arg(0), *force, time.Now())
	if err != nil {
		return err
	}
	if kept != "" {
		fmt.Fprintf(stdout, "the previous database is kept as %s\n", kept)
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", fs.Arg(0), sf.dataDir)
	return nil
}
