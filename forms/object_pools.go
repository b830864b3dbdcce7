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
