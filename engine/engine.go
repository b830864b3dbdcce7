package engine

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// System collections, listed with their indexes in collections.go. Object records live in
// "obj_<name>".
const (
	collObjects = "meta_objects"
	collHistory = "meta_history"
	collUsers   = "users"
	collTokens  = "tokens"
	collTeams   = "teams"
	collRoles   = "roles"
	// collSettings holds single documents of engine state, such as the directory version.
	collSettings = "settings"
)

// Config is what an Engine is built from.
type Config struct {
	Store        store.Store
	Clock        func() time.Time // nil: time.Now
	Logger       *slog.Logger     // nil: slog.Default()
	TokenTTL     time.Duration    // session lifetime; 0: 7 days
	QueryTimeout time.Duration    // server-side limit of one list query; 0: 5 s
	TickInterval time.Duration    // how often the scheduler looks for due jobs; 0: 5 s
	JobLease     time.Duration    // how long a claimed job is this process's; 0: 2 min
	TickBatch    int              // most jobs one tick runs; 0: 200
	Node         string           // this process's name in job claims; "": random
	WebhookAllow []string         // webhook allow-list entries besides the stored ones (CRM_WEBHOOK_ALLOW)
	LoginLimits  LoginLimits      // sign-in lockouts; zero members: 5 per email, 50 per address, 15 min
	ImportLimits ImportLimits     // record imports: file size, rows, unzip size, batch (record_import.go)
	WebForms     WebFormLimits    // public web forms: rate limits, fill time, token expiry (webform_limits.go)
	// Scratch opens a throwaway store (removed by its Close) that a package import is rehearsed
	// on before the real database changes; nil: package imports are refused.
	Scratch func(context.Context) (store.Store, error)
	// MaxPathParents bounds the parents one filter's lookup paths may match; 0: MaxPathParents.
	MaxPathParents int
	// SMTPRootCAs are the certificate authorities SMTP servers are checked against; nil: the
	// system's (tests give their own, for a server with a self-signed certificate).
	SMTPRootCAs *x509.CertPool
	// MaxReportGroups bounds the groups one report answers; 0: MaxReportGroups.
	MaxReportGroups int
}

// Engine serves every operation of the product over one store.
type Engine struct {
	dependents   dependentsCache // objects whose expressions read another's fields (object_refs_refresh.go)
	rollupIdx    rollupIndex     // the roll-ups over each object (object_rollups.go)
	rollupKick   chan struct{}   // a write marked a roll-up's parent: settle soon (record_rollups.go)
	store        store.Store
	now          func() time.Time
	log          *slog.Logger
	tokenTTL     time.Duration
	queryTimeout time.Duration
	loginLimits  LoginLimits
	hashing      hashGate // password hashes running at once

	tickEvery time.Duration
	lease     time.Duration
	tickBatch int
	node      string
	handlers  map[string]jobHandler

	webhookEnv   []string // allow-list entries from the configuration
	importLimits ImportLimits
	webLimits    *webLimiter
	webStats     webStats
	webKey       []byte // the web form token key, once read (webform_public.go)
	// importHalt, in tests, is asked before each row of an import; true stops the run there, as
	// a killed process would (see record_import_run.go).
	importHalt func(row int64) bool
	// importSheets: open sheets of imports between two slices (record_import_parking.go).
	importSheets parkedSheets
	// importFileLoads counts the times an import's file was rebuilt from the store (tests).
	importFileLoads atomic.Int64
	scratch         func(context.Context) (store.Store, error)

	mu   sync.Mutex
	defs map[string]*definition // compiled definitions by object name, each at one version
	dir  *directory             // users, teams and roles at one version
	// crashAfterWrite, in tests, stops a write between storing the record and running its
	// automations, as a killed process would.
	crashAfterWrite func()
	autos           compiledCache[automationSet] // compiled automations at one version
	assign          compiledCache[assignmentSet] // compiled assignment rules at one version
	dups            compiledCache[duplicateSet]  // duplicate rules at one version
	sla             compiledCache[slaSet]        // compiled calendars and SLA policies at one version
	approvalCache   sync.Map                     // "process@version#objectversion" -> *workflow.CompiledProcess
	controls        *controlSet                  // fields only a process sets, per object
	sessions        *sessions                    // resolved session tokens (see auth_cache.go)
	versions        *versions                    // stored versions of definitions and settings (see definition_versions.go)
	maxPathParents  int                          // see Config.MaxPathParents
	smtpRoots       *x509.CertPool               // see Config.SMTPRootCAs
	maxReportGroups int                          // see Config.MaxReportGroups
}

// New opens the engine over a store: it makes sure the system collections and every object's
// collection exist with their indexes (so a crash between saving a definition and indexing it
// heals on the next start).
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, errors.New("engine: no store")
	}
	ss, vs := &sessions{}, &versions{}
	e := &Engine{
		store:        &watchedStore{Store: cfg.Store, sessions: ss, versions: vs},
		sessions:     ss,
		versions:     vs,
		now:          cfg.Clock,
		log:          cfg.Logger,
		tokenTTL:     cfg.TokenTTL,
		queryTimeout: cfg.QueryTimeout,
		loginLimits:  cfg.LoginLimits.withDefaults(),
		hashing:      newHashGate(cfg.LoginLimits.ConcurrentHashes),
		defs:         map[string]*definition{},
		rollupKick:   make(chan struct{}, 1),
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.tokenTTL == 0 {
		e.tokenTTL = 7 * 24 * time.Hour
	}
	if e.queryTimeout == 0 {
		e.queryTimeout = 5 * time.Second
	}
	e.maxPathParents = cfg.MaxPathParents
	e.smtpRoots = cfg.SMTPRootCAs
	e.maxReportGroups = cmp.Or(cfg.MaxReportGroups, MaxReportGroups)
	if e.maxPathParents == 0 {
		e.maxPathParents = MaxPathParents
	}
	e.tickEvery, e.lease, e.tickBatch, e.node = cfg.TickInterval, cfg.JobLease, cfg.TickBatch, cfg.Node
	if e.tickEvery == 0 {
		e.tickEvery = 5 * time.Second
	}
	if e.lease == 0 {
		e.lease = 2 * time.Minute
	}
	if e.tickBatch == 0 {
		e.tickBatch = 200
	}
	if e.node == "" {
		e.node = newID()
	}
	if _, probs := workflow.ParseAllowList(cfg.WebhookAllow); len(probs) > 0 {
		return nil, fmt.Errorf("engine: webhook allow-list: %s", probs[0].Message)
	}
	e.webhookEnv = cfg.WebhookAllow
	e.importLimits = cfg.ImportLimits.withDefaults()
	e.webLimits = newWebLimiter(cfg.WebForms)
	e.webStats.e = e
	e.scratch = cfg.Scratch
	e.handlers = map[string]jobHandler{}
	e.registerHandlers()
	// A database a newer binary wrote is refused before anything is written to it.
	if _, _, err := e.storedSchema(ctx); err != nil {
		return nil, err
	}
	for coll, idx := range systemIndexes() {
		if err := e.store.EnsureCollection(ctx, coll, idx); err != nil {
			return nil, storeErr(err)
		}
	}
	if err := e.seedRoles(ctx); err != nil {
		return nil, err
	}
	if err := e.migrateSchema(ctx); err != nil {
		return nil, err
	}
	objs, err := e.ListObjects(ctx, SystemActor)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		idx, err := e.recordIndexes(ctx, o.Object)
		if err != nil {
			return nil, err
		}
		if err := e.store.EnsureCollection(ctx, recordsColl(o.Name), idx); err != nil {
			return nil, storeErr(err)
		}
	}
	// Records an import or a crash left without the keys duplicate rules read get them now.
	if err := e.syncDuplicateKeys(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Ping reports whether the database answers.
func (e *Engine) Ping(ctx context.Context) error { return e.store.Ping(ctx) }

// stamp is the engine's clock as a stored instant (fixed width, UTC, so it sorts as text).
func (e *Engine) stamp() string { return e.now().UTC().Format(forms.TimeLayout) }

func recordsColl(object string) string { return "obj_" + object }

// storeErr maps the seam's errors to engine errors; backend texts never reach users.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var dup *store.DuplicateError
	var un *store.Unavailable
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorf(KindNotFound, "not_found", "not found")
	case errors.Is(err, store.ErrVersionConflict):
		return errorf(KindConflict, "version_conflict", "the record was changed by someone else; reload it and try again")
	case errors.As(err, &dup):
		e := errorf(KindConflict, "duplicate_value", "another record already has this %s", dup.Field)
		e.Fields = []forms.FieldError{{Field: dup.Field, Code: "unique", Message: "already used by another record"}}
		return e
	case errors.Is(err, store.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return errorf(KindUnavailable, "query_timeout", "the query took too long; narrow the filter")
	case errors.As(err, &un):
		return errorf(KindUnavailable, "database_unavailable", "the database does not answer; try again shortly")
	}
	return err
}
