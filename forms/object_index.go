package forms

import (
	"fmt"
	"strings"
)

// Limits of an object's composite indexes: each index slows every write of the object a little.
const (
	MaxIndexes     = 10
	MaxIndexFields = 4
)

// Index is a composite index an object declares for its lists: fields in order, a leading "-"
// for descending (`{"fields": ["stage", "-amount"]}` serves `stage = "won"` sorted by -amount).
// The storage adds the record id as the last key, for cursor pages.
type Index struct {
	Name   string   `json:"name,omitempty"`
	Fields []string `json:"fields"`
}

// IndexField reads one entry of Index.Fields: the field name and whether it is descending.
func IndexField(s string) (name string, desc bool) {
	name, desc = strings.CutPrefix(s, "-")
	return name, desc
}

// indexableSystem are the system fields an index may name (id is always its last key).
var indexableSystem = []string{"owner", "created_at", "created_by", "updated_at", "updated_by", "sla_status", "sla_due_at"}

// checkIndexes checks the declared indexes: known, indexable fields (those that take "indexed",
// and the system fields), 2 to MaxIndexFields of them, at most MaxIndexes indexes, no two
// serving the same orders.
func checkIndexes(o *Object, r *report) {
	if len(o.Indexes) > MaxIndexes {
		r.add("/indexes", codeTooManyIndexes, "an object has at most %d indexes", MaxIndexes)
	}
	names := map[string]bool{}
	shapes := map[string]int{}
	for i, ix := range o.Indexes {
		at := fmt.Sprintf("/indexes/%d", i)
		if ix.Name != "" {
			switch {
			case !NamePattern.MatchString(ix.Name):
				r.add(at+"/name", codeInvalidName, "index name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", ix.Name)
			case names[ix.Name]:
				r.add(at+"/name", codeDuplicateName, "index name %q is used twice", ix.Name)
			}
			names[ix.Name] = true
		}
		if len(ix.Fields) < 2 || len(ix.Fields) > MaxIndexFields {
			r.add(at+"/fields", codeInvalidIndex, "an index has 2 to %d fields (a single field is indexed with its indexed setting)", MaxIndexFields)
		}
		seen := map[string]bool{}
		sound := true
		for j, s := range ix.Fields {
			fat := fmt.Sprintf("%s/fields/%d", at, j)
			name, _ := IndexField(s)
			switch {
			case seen[name]:
				r.add(fat, codeDuplicateValue, "%q is twice in the index", name)
			case !indexable(o, name):
				if f := o.Field(name); f != nil {
					r.add(fat, codeInvalidIndex, "%s field %q cannot be indexed", f.Type, name)
				} else {
					r.add(fat, codeUnknownField, "the object has no indexable field %q", name)
				}
			default:
				seen[name] = true
				continue
			}
			sound = false
		}
		if !sound || len(ix.Fields) < 2 {
			continue
		}
		shape := IndexShape(ix.Fields)
		if k, dup := shapes[shape]; dup {
			r.add(at+"/fields", codeDuplicateIndex, "the index serves the same lists as index %d", k)
		} else {
			shapes[shape] = i
		}
	}
}

// Indexable tells whether an index may name the field.
func (o *Object) Indexable(name string) bool { return indexable(o, name) }

// indexable tells whether an index may name the field.
func indexable(o *Object, name string) bool {
	for _, s := range indexableSystem {
		if s == name {
			return true
		}
	}
	f := o.Field(name)
	if f == nil {
		return false
	}
	t, ok := types[f.Type]
	return ok && t.allows()&optIndexed != 0
}

// IndexShape names the orders an index serves: its fields with the directions relative to the
// first, since an index read backwards serves the reverse order ("stage,-amount" and
// "-stage,amount" are one shape).
func IndexShape(fields []string) string {
	parts := make([]string, len(fields))
	_, flip := IndexField(fields[0])
	for i, s := range fields {
		name, desc := IndexField(s)
		if desc != flip {
			name = "-" + name
		}
		parts[i] = name
	}
	return strings.Join(parts, ",")
}
