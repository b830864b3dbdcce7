// Package testenv gives tests real storage backends: the embedded sqlite backend in a temp dir
// and the MongoDB backend on the embedded FerretDB (or the MongoDB named by MONGODB_URI).
package testenv

import (
	"testing"

	"crm/engine/store"
	"crm/engine/store/mongodb/mongotest"
	"crm/engine/store/sqlite"
)

// Backend opens a fresh, empty store of one kind for one test.
type Backend struct {
	Name string
	Open func(t testing.TB) store.Store
	// OpenShared gives n stores on one fresh database, as n engine processes would have.
	OpenShared func(t testing.TB, n int) []store.Store
}

// Backends lists every backend the engine must behave the same on.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Open: OpenSQLite, OpenShared: func(t testing.TB, n int) []store.Store {
			st := OpenSQLite(t) // one node: engines in one process share the store
			out := make([]store.Store, n)
			for i := range out {
				out[i] = st
			}
			return out
		}},
		{Name: "mongodb", Open: func(t testing.TB) store.Store { return mongotest.Open(t) }, OpenShared: func(t testing.TB, n int) []store.Store {
			var out []store.Store
			for _, s := range mongotest.OpenShared(t, n) {
				out = append(out, s)
			}
			return out
		}},
	}
}

// OpenSQLite opens the embedded backend in a fresh temp dir, closed at cleanup.
func OpenSQLite(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// EachBackend runs f as a sub-test per backend.
func EachBackend(t *testing.T, f func(t *testing.T, b Backend)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}
