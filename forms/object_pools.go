package forms

import (
	"fmt"
	"strings"
)

// Pools (线索池, 公海): named queues that own records instead of a user. A record owned by a
// pool has the owner "pool:<name>"; the pool's members see its records and may claim one into
// their own hands; its managers also change them and put them back. Members and managers are
// named by role and team, so the pool follows the organisation without a list of people.
type Pool struct {
	Name     string     `json:"name"`
	Label    Label      `json:"label,omitempty"`
	Members  PoolPeople `json:"members"`
	Managers PoolPeople `json:"managers,omitempty"`
}

// PoolPeople names people by their roles and teams.
type PoolPeople struct {
	Roles []string `json:"roles,omitempty"`
	Teams []string `json:"teams,omitempty"`
}

// Has tells whether a user with these roles and teams is among the people.
func (p PoolPeople) Has(roles, teams []string) bool {
	for _, r := range p.Roles {
		for _, have := range roles {
			if r == have {
				return true
			}
		}
	}
	for _, t := range p.Teams {
		for _, have := range teams {
			if t == have {
				return true
			}
		}
	}
	return false
}

// PoolOwnerPrefix starts the owner of a record a pool holds.
const PoolOwnerPrefix = "pool:"

// PoolOwner is the owner value of a record in pool name.
func PoolOwner(name string) string { return PoolOwnerPrefix + name }

// PoolOf is the object's pool that owner names, or nil when owner is a user or no pool of it.
func (o *Object) PoolOf(owner string) *Pool {
	name, ok := strings.CutPrefix(owner, PoolOwnerPrefix)
	if !ok {
		return nil
	}
	for i := range o.Pools {
		if o.Pools[i].Name == name {
			return &o.Pools[i]
		}
	}
	return nil
}

// maxPools bounds an object's pools: each adds an owner value to every member's list filter.
const maxPools = 10

// checkPools checks the pools' shape; whether their roles and teams exist is the engine's.
func checkPools(o *Object, r *report) {
	if len(o.Pools) > maxPools {
		r.add("/pools", codeInvalidOption, "an object has at most %d pools", maxPools)
	}
	seen := map[string]bool{}
	for i, p := range o.Pools {
		at := fmt.Sprintf("/pools/%d", i)
		switch {
		case !NamePattern.MatchString(p.Name):
			r.add(at+"/name", codeInvalidName, "pool name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", p.Name)
		case seen[p.Name]:
			r.add(at+"/name", codeDuplicateName, "pool name %q is used twice", p.Name)
		}
		seen[p.Name] = true
		if len(p.Members.Roles) == 0 && len(p.Members.Teams) == 0 {
			r.add(at+"/members", codeMissingOption, "a pool needs members: roles, teams or both")
		}
	}
}

// OwnerCount is a number expressions of the object may read as owner_counts.<name>: how many
// records of Object matching Filter (the filter language of lists) the record's owner holds,
// the record itself not counted. A holding limit (保有量) is a validation rule over it, e.g.
// `changed("owner") && owner_counts.active_accounts >= 30`; the count is of the owner the write
// leaves (a claim's claimer, a transfer's new owner), and 0 for a pool.
type OwnerCount struct {
	Name   string `json:"name"`
	Label  Label  `json:"label,omitempty"`
	Object string `json:"object"`
	Filter string `json:"filter,omitempty"`
}

// maxOwnerCounts bounds an object's owner counts: each is one indexed count per write.
const maxOwnerCounts = 5

// checkOwnerCounts checks the counts' shape; their objects and filters are the engine's.
func checkOwnerCounts(o *Object, r *report) {
	if len(o.OwnerCounts) > maxOwnerCounts {
		r.add("/owner_counts", codeInvalidOption, "an object has at most %d owner counts", maxOwnerCounts)
	}
	seen := map[string]bool{}
	for i, c := range o.OwnerCounts {
		at := fmt.Sprintf("/owner_counts/%d", i)
		switch {
		case !NamePattern.MatchString(c.Name):
			r.add(at+"/name", codeInvalidName, "count name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", c.Name)
		case seen[c.Name]:
			r.add(at+"/name", codeDuplicateName, "count name %q is used twice", c.Name)
		}
		seen[c.Name] = true
		if c.Object == "" {
			r.add(at+"/object", codeMissingOption, "an owner count names the object it counts")
		}
	}
}
