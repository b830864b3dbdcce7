package forms

import "regexp"

// NamePattern is the shape of object, field, layout and validation rule names: they become storage
// keys, JSON properties and identifiers in expressions, so they are lower-case ASCII and short.
var NamePattern = regexp.MustCompile("^[a-z][a-z0-9_]{0,62}$")

// SystemFields are kept by the engine on every record; no user-defined field may take their names.
var SystemFields = []string{"id", "version", "owner", "created_at", "created_by", "updated_at", "updated_by"}

// KeyPrefix starts the names of the normalized keys the engine keeps in records for duplicate
// rules ("dupkey_em_email"); no field may be named so.
const KeyPrefix = "dupkey_"

// Object is a user-defined object (Lead, Ticket, "Equipment Contract", ...): the definition the
// builder edits, the template files hold and the engine stores, in the same JSON shape.
type Object struct {
	Name            string           `json:"name"`
	Label           Label            `json:"label,omitempty"`
	Fields          []*Field         `json:"fields"`
	ValidationRules []ValidationRule `json:"validation_rules,omitempty"`
	Layouts         []Layout         `json:"layouts,omitempty"`
	Sharing         string           `json:"sharing,omitempty"` // private (default), public_read, public_read_write
	SharingRules    []SharingRule    `json:"sharing_rules,omitempty"`
	Indexes         []Index          `json:"indexes,omitempty"` // composite indexes for lists (object_index.go)
	// Timeline lists the child records a record's activity timeline merges (object_timeline.go).
	Timeline []TimelineSource `json:"timeline,omitempty"`
	// Pools may own its records instead of a user (object_pools.go).
	Pools []Pool `json:"pools,omitempty"`
	// OwnerCounts are counts of the owner's records that expressions read (object_pools.go).
	OwnerCounts []OwnerCount `json:"owner_counts,omitempty"`
}

// Field returns the field called name, or nil when the object has none.
func (o *Object) Field(name string) *Field {
	for _, f := range o.Fields {
		if f != nil && f.Name == name {
			return f
		}
	}
	return nil
}

// ValidationRule refuses a record when its expression is true. The expression is stored and
// shape-checked here; the rules package compiles and evaluates it.
type ValidationRule struct {
	Name      string `json:"name"`
	ErrorWhen string `json:"error_when"`
	Field     string `json:"field,omitempty"` // the field the message is shown at; empty: the whole record
	Message   Label  `json:"message,omitempty"`
}

// EngineFields are kept by the engine on some records (those an SLA policy measures); like system
// fields, their names are taken.
var EngineFields = []string{"sla_status", "sla_due_at"}

func isSystemField(name string) bool {
	for _, s := range append(SystemFields, EngineFields...) {
		if s == name {
			return true
		}
	}
	return false
}
