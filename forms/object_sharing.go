package forms

import (
	"fmt"
	"strings"
)

// Record-level sharing defaults of an object: who, beside owners and their managers, may see and
// change its records.
const (
	SharingPrivate         = "private"           // owners, their managers up the chain, sharing rules (the default)
	SharingPublicRead      = "public_read"       // everyone with read permission reads every record
	SharingPublicReadWrite = "public_read_write" // everyone with edit permission edits every record
)

// Access levels a sharing rule grants.
const (
	AccessRead = "read"
	AccessEdit = "edit"
)

// SharingRule grants roles or teams access to the records matching a condition, written in the
// filter language of lists (`region = "north" and amount < 50000`) so that it becomes an indexed
// database query; the engine checks it against the object when the definition is saved.
type SharingRule struct {
	Name   string   `json:"name"`
	When   string   `json:"when"`
	Roles  []string `json:"roles,omitempty"`
	Teams  []string `json:"teams,omitempty"`
	Access string   `json:"access"` // read or edit
}

// checkSharing checks the sharing default and the rules' shape; conditions are the engine's.
func checkSharing(o *Object, r *report) {
	switch o.Sharing {
	case "", SharingPrivate, SharingPublicRead, SharingPublicReadWrite:
	default:
		r.add("/sharing", codeInvalidOption, "sharing must be %s, %s or %s", SharingPrivate, SharingPublicRead, SharingPublicReadWrite)
	}
	seen := map[string]bool{}
	for i, sr := range o.SharingRules {
		at := fmt.Sprintf("/sharing_rules/%d", i)
		switch {
		case !NamePattern.MatchString(sr.Name):
			r.add(at+"/name", codeInvalidName, "rule name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", sr.Name)
		case seen[sr.Name]:
			r.add(at+"/name", codeDuplicateName, "rule name %q is used twice", sr.Name)
		}
		seen[sr.Name] = true
		if strings.TrimSpace(sr.When) == "" {
			r.add(at+"/when", codeMissingOption, "a sharing rule needs a condition (when)")
		}
		if len(sr.Roles) == 0 && len(sr.Teams) == 0 {
			r.add(at+"/roles", codeMissingOption, "a sharing rule grants access to roles, teams or both")
		}
		if sr.Access != AccessRead && sr.Access != AccessEdit {
			r.add(at+"/access", codeInvalidOption, "access must be %s or %s", AccessRead, AccessEdit)
		}
	}
}
