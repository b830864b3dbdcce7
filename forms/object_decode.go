package forms

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

const codeUnknownKey = "unknown_key"

// DecodeObject reads a definition as the builder, the API and template files send it. A key the
// metamodel does not know ("requried", "labels") is reported with its pointer instead of being
// dropped silently: an analyst's typo must not quietly switch a constraint off.
// serverKeys are top-level keys the server adds on reads (version, updated_at): a client may send a
// definition back as it read it. Syntax and type errors come back as err.
func DecodeObject(data []byte, serverKeys ...string) (*Object, []Problem, error) {
	var obj Object
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, nil, err
	}
	var raw any
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, err
	}
	if m, ok := raw.(map[string]any); ok {
		for _, k := range serverKeys {
			delete(m, k)
		}
	}
	var r report
	unknownKeys(raw, reflect.TypeOf(obj), "", &r)
	return &obj, r.problems, nil
}

// unknownKeys walks a decoded JSON value beside the Go type it was decoded into.
func unknownKeys(v any, t reflect.Type, at string, r *report) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		known := jsonFields(t)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ptr := at + "/" + pointerEscaper.Replace(k)
			ft, ok := known[k]
			if !ok {
				r.add(ptr, codeUnknownKey, "%q is not a known property here", k)
				continue
			}
			unknownKeys(m[k], ft, ptr, r)
		}
	case reflect.Slice:
		if s, ok := v.([]any); ok {
			for i, e := range s {
				unknownKeys(e, t.Elem(), at+"/"+strconv.Itoa(i), r)
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok && t.Elem().Kind() != reflect.Interface {
			for k, e := range m {
				unknownKeys(e, t.Elem(), at+"/"+pointerEscaper.Replace(k), r)
			}
		}
	}
}

// jsonFields maps the JSON names of a struct's exported fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
