package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"crm/engine"
	"crm/templates"
)

const templateUsage = `usage:
  crm template apply NAME [--demo] [--dry-run]   apply a shipped template (default) or a package file (NAME.json)
  crm template export [--out FILE] [--name N]     write every definition as one package
  crm template list                               the shipped templates`

// templateCmd applies and exports packages from the command line, through the same engine calls
// as POST /api/meta/import and GET /api/meta/export.
func templateCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError(templateUsage)
	}
	switch args[0] {
	case "list":
		fmt.Fprintln(stdout, strings.Join(templates.Names(), "\n"))
		return nil
	case "apply":
		return templateApply(ctx, args[1:], stdout, log)
	case "export":
		return templateExport(ctx, args[1:], stdout, log)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, templateUsage)
		return nil
	}
	return usageError(templateUsage)
}

func templateApply(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("template apply", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	demo := fs.Bool("demo", false, "also add the template's sample users, teams and records")
	dry := fs.Bool("dry-run", false, "check only; change nothing")
	dropMissing := fs.Bool("drop-missing-users", false, "remove references to people this server lacks instead of refusing the package")
	name, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return usageError(templateUsage)
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	res, sum, err := applyTemplate(ctx, e, name, *demo && !*dry, engine.ImportOptions{DryRun: *dry, DropUnknownUsers: *dropMissing})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s: %d created, %d updated, %d unchanged\n", res.Package, res.Version, len(res.Created), len(res.Updated), res.Unchanged)
	for _, k := range res.KeptChanges {
		fmt.Fprintf(stdout, "  kept your change at %s\n", k)
	}
	for _, k := range res.KeptDeleted {
		fmt.Fprintf(stdout, "  not restored (you deleted it): %s\n", k)
	}
	for _, k := range res.AddedMembers {
		fmt.Fprintf(stdout, "  added to team %s\n", k)
	}
	for _, k := range res.DroppedPeople {
		fmt.Fprintf(stdout, "  dropped (no such user here) %s\n", k)
	}
	if sum != nil {
		fmt.Fprintf(stdout, "demo: %d users, %d records (password of every demo user: %s)\n", sum.Users, sum.Records, engine.DemoPassword)
	}
	return nil
}

// applyTemplate applies a shipped template or a package file, and with demo its sample data.
func applyTemplate(ctx context.Context, e *engine.Engine, name string, demo bool, opts engine.ImportOptions) (*engine.ImportResult, *engine.DemoSummary, error) {
	body, err := readPackage(name)
	if err != nil {
		return nil, nil, err
	}
	p, err := engine.DecodePackage(body)
	if err != nil {
		return nil, nil, describe(err)
	}
	res, err := e.ImportPackage(ctx, engine.SystemActor, p, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("applying %s: %w", name, describe(err))
	}
	if !demo {
		return res, nil, nil
	}
	data, err := templates.Demo(name)
	if err != nil || data == nil {
		return nil, nil, fmt.Errorf("template %s has no demo data", name)
	}
	sum, err := e.ApplyDemo(ctx, data)
	if err != nil {
		return nil, nil, describe(err)
	}
	return res, sum, nil
}

// readPackage reads a shipped template by name, or a package file by path.
func readPackage(name string) ([]byte, error) {
	if strings.HasSuffix(name, ".json") {
		return os.ReadFile(name)
	}
	return templates.Load(name)
}

func templateExport(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("template export", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "file to write (default stdout)")
	name := fs.String("name", "app", "the package name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := e.ExportPackage(ctx, engine.SystemActor, *name)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// describe spells out an engine error's problems, one per line, for the terminal.
func describe(err error) error {
	var ee *engine.Error
	if !errors.As(err, &ee) || len(ee.Problems) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(ee.Message)
	for _, p := range ee.Problems {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", p.Pointer, p.Message, p.Code)
	}
	return fmt.Errorf("%s", b.String())
}
