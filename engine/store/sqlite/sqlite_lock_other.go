//go:build !unix

package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir on systems without flock only creates the lock file: the single-process rule is then
// not enforced.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock file: %w", err)
	}
	return f, nil
}

// unlockDir closes the lock file.
func unlockDir(f *os.File) error { return f.Close() }
