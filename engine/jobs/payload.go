package jobs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// A payload is stored as a document (engine/store): the keys of the fields' `json` tags, with
// values of the store's kinds. A field is a string, bool, int64, float64, []any or map[string]any,
// so that every value keeps its kind through the store (a JSON round trip would turn an integral
// float into an int64, and the int64s of a map into floats). A field tagged omitempty is left out
// when zero; a nil map or list is always left out, as the store leaves out nil values.

// PayloadError is a stored payload that does not decode into its kind's arguments.
type PayloadError struct {
	Kind string // the job kind
	Key  string // the payload key at fault
	Got  string // the kind of value stored there
	Want string // the kind the arguments' field takes
}

func (e *PayloadError) Error() string {
	return fmt.Sprintf("job payload of kind %q: %q is %s, want %s", e.Kind, e.Key, e.Got, e.Want)
}

// Encode answers the payload stored for args: one key per tagged field.
func Encode(args Args) (map[string]any, error) {
	v := reflect.ValueOf(args)
	p, err := planFor(v.Type())
	if err != nil {
		return nil, fmt.Errorf("jobs: kind %q: %w", args.Kind(), err)
	}
	out := make(map[string]any, len(p))
	for _, f := range p {
		fv := v.Field(f.index)
		if (f.omitEmpty && fv.IsZero()) || ((fv.Kind() == reflect.Map || fv.Kind() == reflect.Slice) && fv.IsNil()) {
			continue
		}
		out[f.key] = fv.Interface()
	}
	return out, nil
}

// Decode reads a stored payload into A's arguments. A key that is absent leaves its field zero;
// a key whose value is of another kind than its field's answers a *PayloadError. Keys A does not
// know are ignored. Maps and lists are shared with payload, not copied.
func Decode[A Args](payload map[string]any) (A, error) {
	var args A
	v := reflect.ValueOf(&args).Elem()
	p, err := planFor(v.Type())
	if err != nil {
		return args, fmt.Errorf("jobs: kind %q: %w", args.Kind(), err)
	}
	for _, f := range p {
		raw, ok := payload[f.key]
		if !ok || raw == nil {
			continue
		}
		rv := reflect.ValueOf(raw)
		if rv.Type() != f.typ {
			return args, &PayloadError{Kind: args.Kind(), Key: f.key, Got: rv.Type().String(), Want: f.typ.String()}
		}
		v.Field(f.index).Set(rv)
	}
	return args, nil
}

// field is how one field of an Args struct is stored.
type field struct {
	index     int
	key       string
	omitEmpty bool
	typ       reflect.Type
}

var (
	plans    sync.Map // reflect.Type -> []field
	storable = map[reflect.Type]bool{
		reflect.TypeFor[string](): true, reflect.TypeFor[bool](): true, reflect.TypeFor[int64](): true,
		reflect.TypeFor[float64](): true, reflect.TypeFor[[]any](): true, reflect.TypeFor[map[string]any](): true,
	}
)

// planFor answers the stored fields of an Args struct type, checked once per type.
func planFor(t reflect.Type) ([]field, error) {
	if p, ok := plans.Load(t); ok {
		return p.([]field), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("arguments are a %s, want a struct", t)
	}
	var p []field
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		key, opts, _ := strings.Cut(tag, ",")
		switch {
		case !ok || key == "":
			return nil, fmt.Errorf("field %s has no json tag naming its stored key", sf.Name)
		case seen[key]:
			return nil, fmt.Errorf("key %q stored by two fields", key)
		case !storable[sf.Type]:
			return nil, fmt.Errorf("field %s is a %s; a stored field is a string, bool, int64, float64, []any or map[string]any", sf.Name, sf.Type)
		}
		seen[key] = true
		p = append(p, field{index: i, key: key, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty"), typ: sf.Type})
	}
	plans.Store(t, p)
	return p, nil
}
