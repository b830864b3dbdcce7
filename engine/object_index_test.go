package engine

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/forms"
	"crm/internal/testenv"
)

// ensureLog is a store that remembers the last index list of each collection.
type ensureLog struct {
	store.Store
	mu   sync.Mutex
	last map[string][]store.Index
}

func (l *ensureLog) EnsureCollection(ctx context.Context, coll string, idx []store.Index) error {
	l.mu.Lock()
	l.last[coll] = idx
	l.mu.Unlock()
	return l.Store.EnsureCollection(ctx, coll, idx)
}

// composites lists the specs of the composite indexes last ensured on coll.
func (l *ensureLog) composites(coll string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, ix := range l.last[coll] {
		if len(ix.Keys) > 0 {
			out = append(out, ix.Spec())
		}
	}
	slices.Sort(out)
	return out
}

// TestObjectIndexes: declared composite indexes are built with the definition and dropped when it
// no longer lists them; private objects get the owner's list indexes, public ones do not, every
// lookup gets (lookup, created_at) for its related list, and a declared index serving the same
// orders as one of those is built once.
func TestObjectIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := &ensureLog{Store: testenv.OpenSQLite(t), last: map[string][]store.Index{}}
	e, err := New(ctx, Config{Store: log, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	def := func(sharing, indexes string) *forms.Object {
		var o forms.Object
		src := `{"name": "deal", "sharing": "` + sharing + `", "fields": [{"name": "stage", "type": "picklist", "options": [{"value": "new"}]},
			{"name": "amount", "type": "currency", "currency": "CNY"}, {"name": "parent", "type": "lookup", "target": "deal"}], "indexes": [` + indexes + `]}`
		if err := json.Unmarshal([]byte(src), &o); err != nil {
			t.Fatal(err)
		}
		return &o
	}
	expect := func(what string, want ...string) {
		t.Helper()
		if got := log.composites("obj_deal"); !slices.Equal(got, want) {
			t.Fatalf("%s: composite indexes %q, want %q", what, got, want)
		}
	}
	if _, err := e.CreateObject(ctx, SystemActor, def("private", `{"fields": ["stage", "-amount"]}, {"fields": ["-owner", "-created_at"]}`)); err != nil {
		t.Fatal(err)
	}
	expect("created", "owner,created_at", "owner,stage,-amount", "owner,updated_at", "parent,created_at", "stage,-amount")
	if _, err := e.UpdateObject(ctx, SystemActor, "deal", def("public_read", `{"fields": ["amount", "stage"]}`), 0); err != nil {
		t.Fatal(err)
	}
	expect("updated", "amount,stage", "parent,created_at")
	// At start, every object's indexes are made what its definition says.
	if _, err := New(ctx, Config{Store: log, Logger: quietLog}); err != nil {
		t.Fatal(err)
	}
	expect("restarted", "amount,stage", "parent,created_at")

	// A sharing rule fixing stage: its arm of a shared list is read by (stage, created_at/updated_at).
	shared := def("private", "")
	shared.SharingRules = []forms.SharingRule{{Name: "new_deals", When: `stage = "new"`, Roles: []string{"sales"}, Access: forms.AccessRead}}
	if _, err := e.UpdateObject(ctx, SystemActor, "deal", shared, 0); err != nil {
		t.Fatal(err)
	}
	expect("shared", "owner,created_at", "owner,updated_at", "parent,created_at", "stage,created_at", "stage,updated_at")

	bad := def("private", `{"fields": ["stage", "ghost"]}`)
	_, err = e.UpdateObject(ctx, SystemActor, "deal", bad, 0)
	if ee, ok := AsError(err); !ok || ee.Code != "invalid_definition" || len(ee.Problems) != 1 || ee.Problems[0].Pointer != "/indexes/0/fields/1" {
		t.Fatalf("index over an unknown field: %v", err)
	}
}
