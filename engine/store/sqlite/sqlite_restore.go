package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ErrNotBackup is what Restore answers for a file that is not a whole crm database.
var ErrNotBackup = errors.New("not a crm backup")

// ErrDatabaseExists is what Restore answers when the data directory already holds a database and
// the caller did not ask to replace it.
var ErrDatabaseExists = errors.New("the data directory already holds a database")

// Restore puts the backup file src in place as dir's database. It holds the directory's lock, so it
// fails with ErrLocked while a server runs there. The file is checked (SQLite's integrity check and
// the engine's own table) and copied before anything in dir changes; with replace, the database
// already there is renamed, with its write-ahead log, to crm.db.before-restore-TIME (returned).
func Restore(ctx context.Context, dir, src string, replace bool, now time.Time) (kept string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("sqlite: restore into %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("sqlite: restore into %s: %w", abs, err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return "", err
	}
	defer unlockDir(lock)
	if err := checkBackup(ctx, src); err != nil {
		return "", err
	}
	target := filepath.Join(abs, dbFile)
	_, statErr := os.Stat(target)
	exists := statErr == nil
	if exists && !replace {
		return "", fmt.Errorf("%w (%s); --force replaces it and keeps the old one beside it", ErrDatabaseExists, target)
	}
	tmp := target + ".restoring"
	if err := copyDurably(src, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("sqlite: restore %s: %w", src, err)
	}
	if exists {
		kept = target + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		// The WAL and shared-memory files belong to the file they were written for: they move
		// with it, so the kept copy is whole and the restored file starts without a stale log.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return "", fmt.Errorf("sqlite: keep the old database: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return kept, fmt.Errorf("sqlite: restore %s: %w", src, err)
	}
	return kept, syncDir(abs)
}

// checkBackup opens src read-only and asks SQLite whether it is whole and the engine's.
func checkBackup(ctx context.Context, src string) error {
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(abs, nil, "mode", "ro"))
	if err != nil {
		return fmt.Errorf("sqlite: restore %s: %w", src, err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&verdict); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotBackup, src, err)
	}
	if verdict != "ok" {
		return fmt.Errorf("%w: %s is damaged: %s", ErrNotBackup, src, verdict)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sys_counters'`).Scan(&n); err != nil || n != 1 {
		return fmt.Errorf("%w: %s holds no crm database", ErrNotBackup, src)
	}
	return nil
}

// copyDurably copies src to dst and flushes it to the disk before returning.
func copyDurably(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncDir flushes the directory entry of the renamed file.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
