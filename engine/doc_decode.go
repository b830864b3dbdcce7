package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"crm/engine/store"
)

// Decoding stored system documents (users, teams, roles, sessions, tokens, approvals, jobs,
// deliveries, settings, ...). Each kind is read into its struct once, where it comes out of the
// store, by the struct's JSON tags (docToStruct). A field holding the wrong kind of value (a
// number where text belongs, a list where an object does) is a corrupt document: the reader
// gets a StoredDocError naming the collection, the id and the field, never the zero value a
// silent type assertion would have made of it (an empty password hash, version 0, no roles).
// Records of user-defined objects are not decoded: their shape is the object's definition.

// StoredDocError is a stored document that does not have the shape the engine wrote it in. It is
// not an engine Error: the fault is the database's content, not the request, so the API answers
// 500 and logs this message, which names what to repair.
type StoredDocError struct {
	Coll  string // the collection
	ID    string // the document's id
	Field string // the dotted path of the field, "" when the document as a whole is wrong
	Want  string // the Go type the engine reads it as
	Got   string // the kind of value found
}

func (e *StoredDocError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("stored document %s/%s is corrupt: %s", e.Coll, e.ID, e.Want)
	}
	return fmt.Sprintf("stored document %s/%s is corrupt: field %q holds %s, want %s", e.Coll, e.ID, e.Field, e.Got, e.Want)
}

// decodeDoc reads the stored document d of collection coll into v (a pointer to a struct with
// JSON tags named as the stored keys). Absent keys leave their fields as they are.
func decodeDoc(coll string, d store.Doc, v any) error {
	err := docToStruct(d, v)
	if err == nil {
		return nil
	}
	id := fmt.Sprint(d["id"])
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &StoredDocError{Coll: coll, ID: id, Field: storedPath(reflect.TypeOf(v), te.Field), Want: te.Type.String(), Got: te.Value}
	}
	return &StoredDocError{Coll: coll, ID: id, Want: err.Error()}
}

// storedPath turns encoding/json's path of a field in t ("Job.attempts": it names embedded
// structs by their Go names) into the path of stored keys ("attempts").
func storedPath(t reflect.Type, path string) string {
	var keys []string
	for _, seg := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			keys = append(keys, seg)
			continue
		}
		if f, ok := t.FieldByName(seg); ok && f.Anonymous {
			t = f.Type
			continue
		}
		keys = append(keys, seg)
		if f, ok := fieldByKey(t, seg); ok {
			t = f.Type
		}
	}
	return strings.Join(keys, ".")
}

// fieldByKey finds the field of struct t (or of the structs it embeds) whose JSON name is key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == key || (name == "" && f.Name == key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// docVersion is the stored version of a document the engine is about to replace by
// compare-and-set. The store sets it; anything but an integer is a corrupt document.
func docVersion(coll string, d store.Doc) (int64, error) {
	switch v := d["version"].(type) {
	case int64:
		return v, nil
	case nil:
		return 0, nil
	default:
		return 0, &StoredDocError{Coll: coll, ID: fmt.Sprint(d["id"]), Field: "version", Want: "int64", Got: kindOf(v)}
	}
}

// kindOf names a stored value's kind as encoding/json does in its type errors.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// docID is a stored document's id. The seam keys every document by a string id (store.Doc), so
// this is never a corrupt document's zero value.
func docID(d store.Doc) string {
	id, _ := d["id"].(string)
	return id
}
