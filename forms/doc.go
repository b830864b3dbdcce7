// Package forms is the metamodel of user-defined objects: objects, their typed fields, layouts and
// validation rules as business analysts write them; the checks that run when a definition is saved;
// the JSON Schema (draft 2020-12) compiled from a definition; and the validation of record values
// against it, with every field error at once and messages in the user's language.
//
// The package is pure: no database, no HTTP and no clock. The engine hands it definitions and
// values and gets back problems, stored values and field errors.
//
// Each field type lives in its own file (field_text.go, field_currency.go, ...) and registers itself
// from init(); what differs between types sits behind the small fieldType interface in field.go.
//
// A value has two forms. The wire form is what clients send and see (JSON decoded with UseNumber:
// json.Number, string, bool, []any). The stored form is what the engine hands to storage: strings,
// int64 (integer; currency in minor units, never a float), float64 (number, percent), bool and
// []any of strings (multipicklist). Validate goes wire -> stored, Output goes stored -> wire.
package forms
