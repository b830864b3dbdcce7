package api_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"crm/engine/api"
	"crm/internal/testenv"
)

var fiberParamRe = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// openAPIDoc reads the document with the given headers and checks it with libopenapi: the model
// builds (every $ref resolves) and the document is valid OpenAPI 3.1.
func openAPIDoc(t *testing.T, h *harness, headers ...string) (map[string]any, string) {
	t.Helper()
	r := h.mustDo(200, "GET", "/api/openapi.json", "", headers...)
	raw := []byte(r.Text)
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("the document does not build: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("invalid OpenAPI 3.1: %s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", se.FieldPath, se.Reason)
			}
		}
		t.FailNow()
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m, r.Text
}

// TestOpenAPIDocumentsEveryRoute: every /api route the app registers has an operation in the
// document, which is valid OpenAPI 3.1; with a session it holds each readable object's schema
// and typed record routes, without the fields hidden from the reader's role; anonymous readers
// get no object.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarness(t, b)
		rep, _ := flsSetup(h)

		// Anonymous: the routes, no object.
		anon, anonText := openAPIDoc(t, h, "Authorization", "")
		if strings.Contains(anonText, "/api/records/account\"") || strings.Contains(anonText, "annual_revenue") {
			t.Error("the anonymous document names an object")
		}
		paths := anon["paths"].(map[string]any)
		app := api.New(api.Config{Engine: h.engine, Logger: quiet})
		n := 0
		for _, r := range app.GetRoutes(true) {
			if r.Method == "HEAD" || !strings.HasPrefix(r.Path, "/api/") {
				continue
			}
			n++
			p := fiberParamRe.ReplaceAllString(r.Path, "{$1}")
			item, _ := paths[p].(map[string]any)
			if item[strings.ToLower(r.Method)] == nil {
				t.Errorf("%s %s is registered but not documented", r.Method, r.Path)
			}
		}
		if n < 80 {
			t.Fatalf("only %d routes found", n)
		}
		// A bad token is refused, not answered as anonymous.
		h.mustDo(401, "GET", "/api/openapi.json", "", "Authorization", "Bearer nope")

		// The admin sees the object's every field; the rep not the hidden ones.
		admin, _ := openAPIDoc(t, h)
		schemas := admin["components"].(map[string]any)["schemas"].(map[string]any)
		acc, ok := schemas["account"].(map[string]any)
		if !ok {
			t.Fatal("no account schema for the admin")
		}
		if acc["properties"].(map[string]any)["annual_revenue"] == nil {
			t.Error("the admin's account schema lacks annual_revenue")
		}
		get := admin["paths"].(map[string]any)["/api/records/account/{id}"].(map[string]any)["get"].(map[string]any)
		if !strings.Contains(mustJSON(get), "#/components/schemas/account_record") {
			t.Errorf("GET /api/records/account/{id} does not answer account_record: %s", mustJSON(get))
		}
		if !strings.Contains(mustJSON(get), "record_not_found") {
			t.Error("GET one record does not list record_not_found")
		}
		_, repText := openAPIDoc(t, h, rep...)
		if !strings.Contains(repText, "\"account_record\"") {
			t.Error("the rep's document has no account schema")
		}
		for _, hidden := range []string{"annual_revenue", "\"vip\""} {
			if strings.Contains(repText, hidden) {
				t.Errorf("the rep's document names the hidden field %s", hidden)
			}
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
