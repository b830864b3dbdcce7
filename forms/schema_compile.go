package forms

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// draft2020 is the dialect of every schema we produce; it is named in "$schema" so that Ajv and
// the server never guess.
const draft2020 = "https://json-schema.org/draft/2020-12/schema"

// Compiled is an object compiled for validation. It is immutable and safe for concurrent use; the
// engine caches one per object version. The object must not be changed after Compile.
type Compiled struct {
	Object *Object

	doc    map[string]any     // the JSON Schema document
	schema *jsonschema.Schema // doc compiled
	types  []fieldType        // the type of each field, by index
	order  map[string]int     // field name -> index
}

// Compile builds the JSON Schema of the object and compiles it. The object must have passed
// Check; Compile only refuses what would make it fail (an unknown type, a bad pattern).
func Compile(o *Object) (*Compiled, error) {
	c := &Compiled{
		Object: o,
		types:  make([]fieldType, len(o.Fields)),
		order:  make(map[string]int, len(o.Fields)),
	}
	for i, f := range o.Fields {
		if f == nil {
			return nil, fmt.Errorf("forms: object %q: field %d is null", o.Name, i)
		}
		t, ok := types[f.Type]
		if !ok {
			return nil, fmt.Errorf("forms: object %q: field %q has unknown type %q", o.Name, f.Name, f.Type)
		}
		c.types[i] = t
		c.order[f.Name] = i
	}
	c.doc = c.buildSchema()
	s, err := compileSchema(c.doc, schemaLocation(o.Name))
	if err != nil {
		return nil, fmt.Errorf("forms: object %q: %w", o.Name, err)
	}
	c.schema = s
	return c, nil
}

// Schema returns the JSON Schema document, the one the client-side Ajv uses too. It is a copy the
// caller may keep or change.
func (c *Compiled) Schema() map[string]any {
	return deepCopy(c.doc).(map[string]any)
}

// buildSchema writes the object schema: one property per field, required fields listed, nothing
// else allowed.
func (c *Compiled) buildSchema() map[string]any {
	o := c.Object
	props := make(map[string]any, len(o.Fields))
	required := []any{}
	for i, f := range o.Fields {
		props[f.Name] = fieldSchema(f, c.types[i])
		if f.Required {
			required = append(required, f.Name)
		}
	}
	doc := map[string]any{
		"$schema":              draft2020,
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if len(required) > 0 {
		doc["required"] = required
	}
	if title := o.Label.In("en"); title != "" {
		doc["title"] = title
	}
	return doc
}

// fieldSchema is the schema of one field: the type's fragment plus what every field shares.
func fieldSchema(f *Field, t fieldType) map[string]any {
	s := t.schema(f)
	if title := f.Label.In("en"); title != "" {
		s["title"] = title
	}
	if desc := f.Help.In("en"); desc != "" {
		s["description"] = desc
	}
	if f.Default != nil {
		if v, is := t.store(f, f.Default); is == nil {
			s["default"] = t.wire(f, v)
		}
	}
	if readOnly(f) {
		s["readOnly"] = true
	}
	if !f.Required {
		nullable(s)
	}
	return s
}

// nullable lets a fragment accept null, which means "no value".
func nullable(s map[string]any) {
	switch t := s["type"].(type) {
	case string:
		s["type"] = []any{t, "null"}
	case []any:
		s["type"] = append(append([]any{}, t...), "null")
	}
	if e, ok := s["enum"].([]any); ok {
		s["enum"] = append(append([]any{}, e...), nil)
	}
}

// schemaLocation is where an object's schema is registered with the compiler: a hierarchical URL
// of our own scheme, so that a relative $ref resolves to a URL the loader refuses (with an opaque
// "urn:" base the library would quietly resolve it to the document itself).
func schemaLocation(object string) string {
	return "mem:///objects/" + url.PathEscape(object) + ".json"
}

// errNoLoading is what the loader answers to every URL.
var errNoLoading = errors.New("loading schemas from URLs is disabled")

// refuseLoader loads nothing: a definition never causes a file or network read, whatever a schema
// refers to. The draft 2020-12 metaschema is built into the library and needs no loader.
type refuseLoader struct{}

func (refuseLoader) Load(string) (any, error) { return nil, errNoLoading }

// compileSchema compiles a schema document with the settings every schema of ours uses: draft
// 2020-12 unless the document says otherwise, formats asserted, no loading.
func compileSchema(doc map[string]any, loc string) (*jsonschema.Schema, error) {
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.UseLoader(refuseLoader{})
	if err := comp.AddResource(loc, doc); err != nil {
		return nil, err
	}
	return comp.Compile(loc)
}

// deepCopy copies a JSON document built of maps and slices.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
