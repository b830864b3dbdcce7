package forms

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestCompileSchemaLoadsNothing proves that a schema can never make the server read a URL or a
// file: the $ref targets exist and answer, yet compiling fails and nothing is read.
func TestCompileSchemaLoadsNothing(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"type": "string"}`))
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(file, []byte(`{"type": "string"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, ref string }{
		{"http", srv.URL + "/s.json"},
		{"file url", "file://" + file},
		{"relative", "other.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := map[string]any{"$schema": draft2020, "properties": map[string]any{"a": map[string]any{"$ref": tt.ref}}}
			_, err := compileSchema(doc, schemaLocation("test"))
			if err == nil {
				t.Fatal("compiled a schema with an external $ref; want an error")
			}
			var le *jsonschema.LoadURLError
			if !errors.As(err, &le) || !errors.Is(le.Err, errNoLoading) {
				t.Errorf("error = %v, want a refused load", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server was asked %d times, want 0", n)
	}
}

func TestSchemaDocument(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"name": "lead", "label": {"en": "Lead", "zh-CN": "线索"}, "fields": [
		{"name": "company", "type": "text", "label": {"en": "Company", "zh-CN": "公司"}, "help": {"en": "Legal name"}, "required": true, "max_length": 200},
		{"name": "stage", "type": "picklist", "options": [{"value": "new"}, {"value": "won"}], "default": "new"},
		{"name": "amount", "type": "currency", "currency": "CNY", "min": 0, "default": 10},
		{"name": "ref", "type": "autonumber", "prefix": "L-"},
		{"name": "score", "type": "integer", "read_only": true}]}`)
	got, err := json.Marshal(c.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	decode(t, string(got), &doc)
	want := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"title":                "Lead",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"company"},
		"properties": map[string]any{
			"company": map[string]any{"type": "string", "title": "Company", "description": "Legal name", "minLength": json.Number("1"), "maxLength": json.Number("200")},
			"stage":   map[string]any{"enum": []any{"new", "won", nil}, "default": "new"},
			"amount": map[string]any{"type": []any{"number", "string", "null"}, "pattern": `^-?[0-9]+(\.[0-9]+)?$`,
				"minimum": json.Number("0"), "default": json.Number("10.00")},
			"ref":   map[string]any{"type": []any{"string", "null"}, "readOnly": true},
			"score": map[string]any{"type": []any{"integer", "null"}, "readOnly": true},
		},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("schema:\n got %s\nwant %v", got, want)
	}
	// Schema hands out a copy.
	c.Schema()["title"] = "changed"
	if c.Schema()["title"] != "Lead" {
		t.Error("Schema() shares its document with callers")
	}
}

func TestCompileRefusesUnknownTypes(t *testing.T) {
	t.Parallel()
	if _, err := Compile(object(t, withFields(`{"name": "a", "type": "money"}`))); err == nil {
		t.Error("want an error for an unknown type")
	}
	if _, err := Compile(object(t, withFields(`null`))); err == nil {
		t.Error("want an error for a null field")
	}
}
