package sqlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	"crm/engine/store"
)

// encodeDoc writes the document as a JSON object without "id" and "version" (they live in their
// own columns) and without nil values. Numbers are written so their kind survives: a float64
// always has a '.' or an exponent, an int64 never has. A document nested deeper than decodeDoc
// reads (fastjson.MaxDepth levels, counting the document and the innermost values) is refused.
func encodeDoc(doc store.Doc) (string, error) {
	var b bytes.Buffer
	if err := encodeObject(&b, doc, 1); err != nil {
		return "", fmt.Errorf("sqlite: %w", err)
	}
	return b.String(), nil
}

// encodeObject writes a map at nesting depth (the document is 1) with sorted keys, leaving out nil
// values (and at the top level the system keys).
func encodeObject(b *bytes.Buffer, m map[string]any, depth int) error {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v == nil || (depth == 1 && (k == "id" || k == "version")) {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		if err := encodeValue(b, m[k], depth+1); err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
	}
	b.WriteByte('}')
	return nil
}

// encodeValue writes one value of the kinds the seam allows at nesting depth.
func encodeValue(b *bytes.Buffer, v any, depth int) error {
	if depth > fastjson.MaxDepth {
		return fmt.Errorf("value nested more than %d levels deep", fastjson.MaxDepth)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		return writeFloat(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case []string:
		if len(x) > 0 && depth == fastjson.MaxDepth {
			return fmt.Errorf("value nested more than %d levels deep", fastjson.MaxDepth)
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		return encodeObject(b, x, depth)
	default:
		return fmt.Errorf("unsupported value kind %T", v)
	}
	return nil
}

// writeString writes s as a JSON string.
func writeString(b *bytes.Buffer, s string) {
	out, _ := json.Marshal(s) // a string always marshals
	b.Write(out)
}

// writeFloat writes f so that it reads back as a float: 5 becomes 5.0.
func writeFloat(b *bytes.Buffer, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("cannot store %v", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	b.WriteString(s)
	return nil
}

// sqlValue converts a filter value to what is bound: bools become 1/0 as json_extract returns
// them.
func sqlValue(v any) (any, error) {
	switch x := v.(type) {
	case string, int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("sqlite: unsupported filter value kind %T", v)
}
