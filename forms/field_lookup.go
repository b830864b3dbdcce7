package forms

import "regexp"

// TypeLookup is a reference to a record of another (or the same) object.
const TypeLookup = "lookup"

// idPattern is the shape of record and user ids. It keeps ids safe in URLs and filters; whether
// the record exists is the engine's check, since it needs the database.
const idPattern = `^[A-Za-z0-9_-]{1,64}$`

var idRegexp = regexp.MustCompile(idPattern)

// lookupType is the id of a record of the target object.
type lookupType struct{}

var _ fieldType = lookupType{}

func init() { register(TypeLookup, lookupType{}) }

func (lookupType) allows() option { return optStored | optTarget }

// check requires a target; whether it exists is checked with the caller's exists function.
func (lookupType) check(f *Field, at string, r *report) {
	switch {
	case f.Target == "":
		r.add(at+"/target", codeMissingOption, "a lookup field needs a target object")
	case !NamePattern.MatchString(f.Target):
		r.add(at+"/target", codeInvalidOption, "target %q is not a valid object name", f.Target)
	case !r.exists(f.Target):
		r.add(at+"/target", codeUnknownObject, "target object %q does not exist", f.Target)
	}
}

func (lookupType) schema(*Field) map[string]any { return idSchema() }

func (lookupType) store(_ *Field, v any) (any, *issue) { return storeID(v) }

func (lookupType) wire(_ *Field, v any) any { return v }

func idSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": idPattern}
}

func storeID(v any) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, &issue{code: CodeType, arg: "string"}
	}
	if !idRegexp.MatchString(s) {
		return nil, &issue{code: CodePattern, arg: idPattern}
	}
	return s, nil
}
