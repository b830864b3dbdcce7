package mongotest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The embedded server is shared by every test of the binary: starting FerretDB costs far more
// than a fresh database, and tests are isolated by database name instead.
var (
	startOnce   sync.Once
	embeddedURI string
	embeddedErr error
)

// dirPrefix names the data directories; the owning process id follows, so a later run can tell
// directories of finished processes (which it removes) from those of running ones.
const dirPrefix = "crm-ferretdb-"

// embedded starts FerretDB on first use and returns its URI.
func embedded() (string, error) {
	startOnce.Do(func() { embeddedURI, embeddedErr = startFerretDB() })
	return embeddedURI, embeddedErr
}

// startFerretDB runs FerretDB with the SQLite handler on 127.0.0.1 and a port the OS picks, with
// its data in a fresh temp dir, and waits until it answers a ping. It logs at Warn and above
// (to stderr, without the dumps of failed commands, see quietHandler) so test output stays
// readable; panics in FerretDB connections show as ERROR logs.
// It runs until the process ends; the test binary has no hook to stop it, so the data directory
// is removed by the next run instead (sweepStaleDirs), and tests drop their databases themselves.
func startFerretDB() (string, error) {
	sweepStaleDirs()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid()))
	if err != nil {
		return "", err
	}
	logger := slog.New(quietHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
		Logger:    logger,
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	go func() {
		if err := f.Run(context.Background()); err != nil {
			logger.Error("mongotest: FerretDB stopped", "error", err)
		}
	}()
	uri := f.MongoDBURI() // blocks until the listener has its port
	if err := waitForPing(uri, openTimeout); err != nil {
		return "", fmt.Errorf("FerretDB at %s does not answer: %w", uri, err)
	}
	return uri, nil
}

// waitForPing pings uri until it answers or the timeout passes.
func waitForPing(uri string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	for {
		err := client.Ping(ctx, nil)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sweepStaleDirs removes data directories left behind by test processes that have ended (best
// effort: errors are ignored, and a directory is kept unless its process is known to be gone).
func sweepStaleDirs() {
	entries, err := os.ReadDir(os.TempDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), dirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || !processGone(pid) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(os.TempDir(), e.Name()))
	}
}

// processGone reports whether the process with this id is known to have ended.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone)
}
