// Package sqlite is the embedded default backend of the storage seam: modernc.org/sqlite (pure
// Go, no cgo) with a table per collection holding each document as JSON, and an expression index
// per indexed field so that filters, sorts and counts on those fields use an index.
//
// Documents are JSON text, not SQLite's binary JSONB, by measurement (SQLite 3.54.1, 10,000
// records, 50-row list pages, process CPU, six interleaved runs of both builds). On top of
// decodeDoc, writing jsonb(?) and reading json(doc), which needs no migration since json() and
// json_extract read text rows too, made the lists SQLite filters row by row cheaper (a rep's
// filtered list -37%, a contains search -47%), but the lists an index answers paid for json()
// turning the blob back into text (a rep's own list +15%; get +16%, within noise), and on a
// database of old text rows the lists paid it for nothing (two shapes of four +29% and +37%
// against raw SQL in the same run). The larger cost was in Go: encoding/json was 39% of a list's
// CPU. decodeDoc reads documents with valyala/fastjson instead: a parser written here measured
// 18% less list CPU still (geometric mean over six shapes), but JSON parsing is a solved problem
// and a maintained library is worth that. JSONB would pay off once the blob is decoded in Go
// without json(), or where no index covers the filters users run.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"crm/engine/store"
)

var _ store.Store = (*Store)(nil)

// File names inside the data directory.
const (
	dbFile   = "crm.db"
	lockFile = "crm.lock"
)

// readerConns is the size of the reader pool: in WAL mode readers never block the writer nor
// each other, so a few connections let list queries run side by side with writes.
const readerConns = 4

// Store is the sqlite backend. All writes go through one connection (writer), so they queue in Go
// instead of failing with "database is locked"; reads use a separate pool of query-only
// connections (reader) that see the last committed state thanks to WAL.
type Store struct {
	dir    string
	writer *sql.DB
	reader *sql.DB
	lock   *os.File

	mu     sync.Mutex
	tables map[string]bool // tables known to exist, to skip CREATE TABLE IF NOT EXISTS on writes
	// indexes are each collection's secondary indexes, which Find plans by (indexList)
	indexes map[string][]store.Index
	stats   map[string]collStats  // index statistics by collection, until the next optimize
	stmts   map[stmtKey]*sql.Stmt // prepared statements, by pool and text
	lists   int                   // list queries among stmts (queryList)

	queue   chan *batchReq // to the committer (see sqlite_batch.go)
	done    chan struct{}  // closed when the committer has stopped
	qmu     sync.RWMutex   // guards sending on queue against its closing
	qclosed bool
	running bool         // the committer was started
	commits atomic.Int64 // transactions the committer has committed (for tests)
}

// ErrLocked is returned by Open when another process holds the data directory (test with
// errors.Is; the returned error names the directory).
var ErrLocked = errors.New("data directory is in use by another crm process")

// lockedError is the ErrLocked a failed Open returns, with the directory in its message.
type lockedError struct{ dir string }

func (e *lockedError) Error() string {
	return fmt.Sprintf("data directory %s is in use by another crm process", e.dir)
}

func (e *lockedError) Is(target error) bool { return target == ErrLocked }

// pragmas applied to every pooled connection through the DSN (modernc runs each _pragma on
// connect, so a connection the pool opens later gets them too).
//
// synchronous=FULL: in WAL mode, NORMAL only fsyncs at checkpoints, so a commit acknowledged to a
// user can be lost on an OS crash or power cut (it survives a process kill only). FULL fsyncs the
// WAL on every commit, so an accepted write is on disk before we answer.
//
// temp_store=MEMORY on the writer: every batch of a group commit runs in a SAVEPOINT, which copies
// each page it touches to the sub-journal. On disk that is one write(2) per page once the journal
// passes 64 KiB: a third of an import's CPU. The sub-journal is undo data for the open
// transaction only, so memory loses nothing a crash would not.
var (
	writerPragmas = []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(0)", "temp_store(MEMORY)"}
	readerPragmas = []string{"busy_timeout(10000)", "foreign_keys(0)", "query_only(1)"}
)

// dsn builds a "file:" URI for path with the given pragmas and extra parameters. The path is
// escaped so that '?', '#' or '%' in a directory name cannot turn into URI syntax.
func dsn(path string, pragmas []string, extra ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Add(extra[i], extra[i+1])
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database in dir (file dir/crm.db), taking an exclusive
// advisory lock (flock on dir/crm.lock, LOCK_EX|LOCK_NB) so a second process on the same data dir
// fails with ErrLocked.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sqlite: data directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: data directory %s: %w", abs, err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: abs, lock: lock, tables: map[string]bool{}, indexes: map[string][]store.Index{}, stats: map[string]collStats{},
		stmts: map[stmtKey]*sql.Stmt{}, queue: make(chan *batchReq, maxGroup), done: make(chan struct{})}
	if err := s.open(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// open creates both pools and the counters table. The writer is opened first because it switches
// the file to WAL, which the query-only readers could not do.
func (s *Store) open() error {
	path := filepath.Join(s.dir, dbFile)
	w, err := sql.Open("sqlite", dsn(path, writerPragmas, "_txlock", "immediate"))
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s.writer = w
	ctx := context.Background()
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS sys_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, readerPragmas))
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(readerConns)
	r.SetMaxIdleConns(readerConns)
	s.reader = r
	if err := r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := s.optimize(ctx); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.running = true
	go s.commitLoop()
	return nil
}

// optimize lets SQLite gather the statistics its planner lacks (PRAGMA optimize checking every
// table, under its own analysis limit): without them an equality on a common value can look as
// selective as one on a rare one.
func (s *Store) optimize(ctx context.Context) error {
	_, err := s.writer.ExecContext(ctx, `PRAGMA optimize=0x10002`)
	s.mu.Lock()
	clear(s.stats)
	s.mu.Unlock()
	return mapErr(ctx, err)
}

// Ping reports whether both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	for _, db := range []*sql.DB{s.writer, s.reader} {
		var one int
		if err := db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
			return mapErr(ctx, err)
		}
	}
	return nil
}

// Close closes both pools and then releases the directory lock, so the next process opens a
// database no connection of ours still writes to.
func (s *Store) Close() error {
	var errs []error
	s.qmu.Lock()
	if !s.qclosed {
		s.qclosed = true
		close(s.queue)
		if s.running {
			<-s.done // the committer answers what was queued before it stops
		}
	}
	s.qmu.Unlock()
	s.mu.Lock()
	for k, st := range s.stmts {
		errs = append(errs, st.Close())
		delete(s.stmts, k)
	}
	s.mu.Unlock()
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if s.lock != nil {
		errs = append(errs, unlockDir(s.lock))
		s.lock = nil
	}
	return errors.Join(errs...)
}
