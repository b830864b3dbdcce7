package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"crm/engine"
	"crm/engine/store"
	"crm/engine/store/mongodb"
	"crm/engine/store/sqlite"
)

// storeFlags are the flags every command that opens the database shares.
type storeFlags struct {
	dataDir string
	mongo   string
	db      string
	wrap    func(store.Store) store.Store // serve's: times each call for /metrics
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dataDir, "data-dir", envOr("CRM_DATA_DIR", "./crm-data"), "directory of the embedded database (env CRM_DATA_DIR)")
	fs.StringVar(&s.mongo, "mongodb-uri", os.Getenv("MONGODB_URI"), "use MongoDB at this URI instead of the embedded database (env MONGODB_URI)")
	fs.StringVar(&s.db, "db", envOr("CRM_DB", "crm"), "MongoDB database name (env CRM_DB)")
}

// open opens the chosen backend: MongoDB when a URI is given, else sqlite in the data dir.
func (s *storeFlags) open(ctx context.Context) (store.Store, string, error) {
	if s.mongo != "" {
		st, err := mongodb.Open(ctx, s.mongo, s.db)
		if err != nil {
			return nil, "", fmt.Errorf("connecting to MongoDB: %w", err)
		}
		return st, "mongodb", nil
	}
	if err := os.MkdirAll(s.dataDir, 0o750); err != nil {
		return nil, "", err
	}
	st, err := sqlite.Open(s.dataDir)
	if err != nil {
		return nil, "", err
	}
	return st, "sqlite", nil
}

// openEngine opens the store and the engine over it.
func (s *storeFlags) openEngine(ctx context.Context, log *slog.Logger) (*engine.Engine, store.Store, error) {
	st, kind, err := s.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	if s.wrap != nil {
		st = s.wrap(st)
	}
	log.Info("database open", "backend", kind, "data_dir", s.dataDir, "db", s.db)
	tick, err := time.ParseDuration(envOr("CRM_TICK_INTERVAL", "5s"))
	if err != nil || tick <= 0 {
		st.Close()
		return nil, nil, usageError("CRM_TICK_INTERVAL must be a duration such as 5s")
	}
	lease, err := time.ParseDuration(envOr("CRM_JOB_LEASE", "2m"))
	if err != nil || lease < time.Second {
		st.Close()
		return nil, nil, usageError("CRM_JOB_LEASE must be a duration of at least 1s such as 2m")
	}
	allow, err := engine.ParseWebhookAllow(os.Getenv("CRM_WEBHOOK_ALLOW"))
	if err != nil {
		st.Close()
		return nil, nil, usageError("CRM_WEBHOOK_ALLOW: " + err.Error())
	}
	limits := engine.ImportLimits{MaxBytes: int64(envInt("CRM_IMPORT_MAX_BYTES", 0)), MaxRows: envInt("CRM_IMPORT_MAX_ROWS", 0)}
	e, err := engine.New(ctx, engine.Config{Store: st, Logger: log, TickInterval: tick, JobLease: lease, WebhookAllow: allow, Clock: engineClock(), Scratch: sqlite.Scratch,
		ImportLimits: limits})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return e, st, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
