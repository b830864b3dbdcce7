package api

import (
	"io"
	"log/slog"
	"testing"

	"crm/engine"
)

// TestOpenAPIDescriptionsAreRegistered: an entry of routeDocs that names no registered route
// (a route renamed or removed) fails, as a registered route without an entry does in
// TestOpenAPIDocumentsEveryRoute; and every code the document names is the catalog's.
func TestOpenAPIDescriptionsAreRegistered(t *testing.T) {
	app := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	registered := map[string]bool{}
	for _, r := range apiRoutes(app) {
		registered[routeKey(r[0], r[1])] = true
	}
	for k := range routeDocs {
		if k == "POST /test/clock" { // only in e2eclock builds
			continue
		}
		if !registered[k] {
			t.Errorf("routeDocs[%q] names no registered route", k)
		}
	}
	for code := range errorStatus {
		if !engine.IsErrorCode(code) {
			t.Errorf("the document names %q, which is not in the error catalog", code)
		}
	}
	for _, k := range engine.DefinitionKinds() {
		if k.API != nil && !engine.IsErrorCode(k.Code()+"_not_found") {
			t.Errorf("%s_not_found is not in the error catalog", k.Code())
		}
	}
}
