package engine

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"crm/engine/store"
)

// toStoreKinds turns a JSON-shaped value into the seam's kinds: json.Number and float64 into
// int64 when integral, else float64; nested maps and slices converted alike.
func toStoreKinds(v any) any {
	switch v := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				return n
			}
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if x != nil {
				out[k] = toStoreKinds(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = toStoreKinds(x)
		}
		return out
	}
	return v
}

// structToDoc stores a Go struct (a definition) as a nested document.
func structToDoc(v any) (store.Doc, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := decodeJSON(b, &m); err != nil {
		return nil, err
	}
	return toStoreKinds(m).(map[string]any), nil
}

// docToStruct reads a nested document back into a Go struct.
func docToStruct(doc any, v any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decodeJSON decodes with numbers kept as json.Number, so no amount passes through a float.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}
