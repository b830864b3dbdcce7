package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"crm/engine/store/sqlite"
)

// exportCmd writes the whole database as JSON lines.
func exportCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "file to write (default stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return e.Export(ctx, w)
}

// importCmd loads an export into an empty database, checking all of it before writing.
func importCmd(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	in := fs.String("in", "", "export file to read (default stdin)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var r io.Reader = os.Stdin
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	e, st, err := sf.openEngine(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := e.Import(ctx, r)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(sum)
	fmt.Fprintf(stdout, "imported %s\n", b)
	return nil
}

// backupCmd copies the embedded database consistently; it works while a server holds the data dir.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("usage: crm backup [--data-dir DIR] FILE")
	}
	if sf.mongo != "" {
		return usageError("crm backup copies the embedded database; for MongoDB use mongodump or your provider's snapshots")
	}
	if err := sqlite.BackupDir(ctx, sf.dataDir, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", fs.Arg(0))
	return nil
}
