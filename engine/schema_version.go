package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/store"
)

// The database records the version of its layout (settings document "schema"), so that a newer
// binary brings an older database up to date step by step, and an older binary refuses a database a
// newer one wrote instead of misreading it. Version 1 is every database before versions were
// recorded.

const schemaKey = "schema"

// schemaMigration brings the data from version-1 to version. It must be safe to run again on data
// already in the new shape: an import of an export (which carries no version) runs them all.
type schemaMigration struct {
	version int64
	what    string
	run     func(*Engine, context.Context) error
}

var schemaMigrations = []schemaMigration{
	{2, `roles list their objects: a grant of every object ("*") becomes one grant per existing object`,
		(*Engine).expandStoredRoles},
}

// SchemaVersion is the layout this binary writes.
func SchemaVersion() int64 { return schemaMigrations[len(schemaMigrations)-1].version }

// ErrSchemaNewer: the database was written by a newer version of crm.
var ErrSchemaNewer = errors.New("the database was written by a newer version of crm")

// storedSchema reads the layout version of the database (1 when none is recorded) and refuses
// one written by a newer binary. New asks it before writing anything.
func (e *Engine) storedSchema(ctx context.Context) (have int64, doc store.Doc, err error) {
	doc, err = e.store.Get(ctx, collSettings, schemaKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 1, nil, nil
	case err != nil:
		return 0, nil, storeErr(err)
	}
	have, ok := doc["schema"].(int64)
	if !ok {
		return 0, nil, fmt.Errorf("the database's layout version is unreadable: %v", doc["schema"])
	}
	if have > SchemaVersion() {
		return 0, nil, fmt.Errorf("%w (its layout is version %d, this binary knows up to %d): run that version or a newer one; a backup taken before the upgrade restores the old layout",
			ErrSchemaNewer, have, SchemaVersion())
	}
	return have, doc, nil
}

// migrateSchema runs, in order, the migrations the stored version has not had, recording the
// version after each, so a crash part way resumes at the step it stopped in.
func (e *Engine) migrateSchema(ctx context.Context) error {
	have, doc, err := e.storedSchema(ctx)
	if err != nil {
		return err
	}
	ver, _ := doc["version"].(int64)
	for _, m := range schemaMigrations {
		if m.version <= have {
			continue
		}
		if err := m.run(e, ctx); err != nil {
			return fmt.Errorf("bringing the database to layout version %d (%s): %w", m.version, m.what, err)
		}
		next := store.Doc{"id": schemaKey, "schema": m.version}
		if doc == nil {
			err = e.store.Insert(ctx, collSettings, next)
		} else {
			err = e.store.Replace(ctx, collSettings, next, ver)
		}
		// Another process starting at the same moment recorded it: the same steps, already done.
		if err != nil && !errors.Is(err, store.ErrDuplicateID) && !errors.Is(err, store.ErrVersionConflict) {
			return storeErr(err)
		}
		if doc, err = e.store.Get(ctx, collSettings, schemaKey); err != nil {
			return storeErr(err)
		}
		ver, _ = doc["version"].(int64)
		e.log.Info("database layout brought up to date", "version", m.version, "change", m.what)
	}
	return nil
}

// rerunMigrations applies every migration to data that came in without a version (an import).
func (e *Engine) rerunMigrations(ctx context.Context) error {
	for _, m := range schemaMigrations {
		if err := m.run(e, ctx); err != nil {
			return fmt.Errorf("bringing the imported data to layout version %d (%s): %w", m.version, m.what, err)
		}
	}
	return nil
}
