package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
)

// Backup writes a consistent copy of the live database to path. VACUUM INTO reads inside one read
// transaction, so the copy is a snapshot even while writes run; it runs on a connection of its
// own so neither the writer nor the reader pool is held for the whole copy.
func (s *Store) Backup(ctx context.Context, path string) error {
	return backupFile(ctx, filepath.Join(s.dir, dbFile), path)
}

// BackupDir does the same as Backup from another process while a server holds the lock: it opens
// the database read-only and does not take the lock (WAL lets it read next to the writer).
func BackupDir(ctx context.Context, dir, path string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", dir, err)
	}
	return backupFile(ctx, filepath.Join(abs, dbFile), path)
}

// backupFile runs VACUUM INTO from a read-only connection to src. The target must not exist.
func backupFile(ctx context.Context, src, dst string) error {
	out, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dst, err)
	}
	db, err := sql.Open("sqlite", dsn(src, []string{"busy_timeout(10000)"}, "mode", "ro"))
	if err != nil {
		return fmt.Errorf("sqlite: backup of %s: %w", src, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("sqlite: backup of %s to %s: %w", src, out, mapErr(ctx, err))
	}
	return nil
}
