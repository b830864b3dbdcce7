package api_test

import (
	"context"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store/sqlite"
)

// TestDefinitionRoutes fails when a kind of definition has no route: every kind answers GET one
// under its path, and the kinds of the generic shape all five routes.
func TestDefinitionRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Scratch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e, err := engine.New(ctx, engine.Config{Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, r := range api.New(api.Config{Engine: e, Logger: quiet}).GetRoutes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, k := range engine.DefinitionKinds() {
		path, one := "/api"+k.Path, "/api"+k.Path+"/:"+k.Param
		want := []string{"GET " + one}
		if k.API != nil {
			want = append(want, "GET "+path, "POST "+path, "PUT "+one, "DELETE "+one)
		}
		for _, w := range want {
			if !routes[w] {
				t.Errorf("kind %q: no route %s", k.Key, w)
			}
		}
	}
}
