package engine

import (
	"errors"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestEngineImportsNoBackend: the engine works over the store seam only; the backends, and the
// scratch store a package import is rehearsed on, are chosen by cmd.
func TestEngineImportsNoBackend(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, parsed := range engineSources(t, fset, parser.ImportsOnly) {
		f := fset.Position(parsed.Pos()).Filename
		for _, imp := range parsed.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "crm/engine/store/") {
				t.Errorf("%s imports the backend %s", f, p)
			}
		}
	}
}

// TestImportWithoutScratchIsRefused: an engine without a scratch store refuses package imports
// with a stable code instead of writing unrehearsed steps.
func TestImportWithoutScratchIsRefused(t *testing.T) {
	t.Parallel()
	e := &Engine{}
	err := e.rehearse(t.Context(), SystemActor, nil)
	var ee *Error
	if !errors.As(err, &ee) || ee.Code != "no_scratch_store" {
		t.Fatalf("got %v", err)
	}
}
