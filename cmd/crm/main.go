// Command crm is the CRM builder engine: one binary that serves the API and the builder UI.
//
//	crm serve                  run the server (sqlite in --data-dir, or MongoDB with MONGODB_URI)
//	crm admin create           add an administrator
//	crm export / crm import    move a whole database between backends as JSON lines
//	crm template ...           apply a template or package, export every definition as a package
//	crm backup FILE            consistent copy of the embedded database while the server runs
//	crm restore FILE           put a backup in place (server stopped)
//	crm healthcheck            exit 0 when the server answers /readyz (container health checks)
//	crm version                print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, errHelpShown) {
			os.Exit(0)
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "crm:", err)
		os.Exit(1)
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

const usage = `usage: crm <command> [flags]

commands:
  serve          run the server
  admin create   add an administrator (--email, --password or CRM_ADMIN_PASSWORD, --name)
  export         write the whole database as JSON lines (--out FILE, default stdout)
  import         load an export into an empty database (--in FILE, default stdin)
  template       apply a template or package (apply NAME [--demo]), export the definitions (export)
  backup FILE    consistent copy of the embedded database, also while the server runs
  restore FILE   put a backup in place as the embedded database (server stopped; --force replaces)
  healthcheck    exit 0 when the server at CRM_ADDR answers /readyz with 200 (for containers)
  version        print the version

Run 'crm <command> -h' for a command's flags.`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError(usage)
	}
	logger := newLogger(stderr)
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], logger)
	case "admin":
		const adminUsage = "usage: crm admin create --email E [--password P] [--name N]"
		if len(args) == 2 && isHelp(args[1]) {
			fmt.Fprintln(stdout, adminUsage)
			return nil
		}
		if len(args) < 2 || args[1] != "create" {
			return usageError(adminUsage)
		}
		return adminCreate(ctx, args[2:], stdout, logger)
	case "export":
		return exportCmd(ctx, args[1:], stdout, logger)
	case "import":
		return importCmd(ctx, args[1:], stdout, logger)
	case "template":
		return templateCmd(ctx, args[1:], stdout, logger)
	case "backup":
		return backupCmd(ctx, args[1:], stdout)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, args[1:], stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "crm", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("crm: unknown command %q\n\n%s", args[0], usage))
}

// newLogger writes text lines, or JSON lines with CRM_LOG_FORMAT=json (for a log collector).
func newLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(os.Getenv("CRM_LOG_LEVEL")))
	opts := &slog.HandlerOptions{Level: level}
	if os.Getenv("CRM_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// errHelpShown ends a command whose -h printed its flags: a successful run (exit 0).
var errHelpShown = errors.New("help shown")

// helpOut is where -h prints a command's flags.
var helpOut io.Writer = os.Stdout

// parseFlags parses a command's flags. -h prints them to stdout and ends the command with exit 0;
// a wrong flag is a usage error (exit 2) that names it and lists the flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var msg strings.Builder
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(helpOut, "usage: crm %s [flags]\n\nflags:\n", fs.Name())
		fs.SetOutput(helpOut)
		fs.PrintDefaults()
		return errHelpShown
	case err != nil:
		return usageError(strings.TrimSpace(msg.String()))
	}
	return nil
}
