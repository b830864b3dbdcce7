package engine

import (
	"context"
	"errors"
	"slices"

	"crm/engine/store"
)

// directory is every user, team and role, read whole and cached per version: access checks need
// the manager chain, team memberships and role permissions on every request. A change anywhere
// bumps the version document, and every request reads that version (one read by key), so a
// process never decides with a directory another process has changed — as with definitions.
type directory struct {
	version int64
	users   map[string]*User
	teams   map[string]*Team
	roles   map[string]*Role    // stored roles; admin is implicit
	reports map[string][]string // manager id -> direct reports
}

const directoryKey = "directory"

func (e *Engine) directory(ctx context.Context) (*directory, error) {
	v, err := e.directoryVersion(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	cached := e.dir
	e.mu.Unlock()
	if cached != nil && cached.version == v {
		return cached, nil
	}
	d := &directory{version: v, users: map[string]*User{}, teams: map[string]*Team{}, roles: map[string]*Role{}, reports: map[string][]string{}}
	users, err := e.store.Find(ctx, collUsers, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	for _, doc := range users {
		u, err := userFromDoc(doc)
		if err != nil {
			return nil, err
		}
		d.users[u.ID] = u
		if u.Manager != "" {
			d.reports[u.Manager] = append(d.reports[u.Manager], u.ID)
		}
	}
	teams, err := e.store.Find(ctx, collTeams, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	for _, doc := range teams {
		t, err := teamFromDoc(doc)
		if err != nil {
			return nil, err
		}
		d.teams[t.ID] = t
	}
	roles, err := e.store.Find(ctx, collRoles, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	for _, doc := range roles {
		r, err := roleFromDoc(doc)
		if err != nil {
			return nil, err
		}
		d.roles[r.Name] = r
	}
	e.mu.Lock()
	if e.dir == nil || e.dir.version <= v {
		e.dir = d
	}
	e.mu.Unlock()
	return d, nil
}

func (e *Engine) directoryVersion(ctx context.Context) (int64, error) {
	return e.setting(ctx, directoryKey)
}

// changedDirectory bumps the directory version after a change of users, teams or roles.
func (e *Engine) changedDirectory(ctx context.Context) { e.bumpSetting(ctx, directoryKey) }

// bumpSetting raises the version of a settings document, so that every process reloads what it
// stands for. A failure is logged: the change itself is stored, and the next bump publishes it.
func (e *Engine) bumpSetting(ctx context.Context, key string) {
	for attempt := 0; attempt < 20; attempt++ {
		doc, err := e.store.Get(ctx, collSettings, key)
		if errors.Is(err, store.ErrNotFound) {
			err = e.store.Insert(ctx, collSettings, store.Doc{"id": key})
			if err == nil {
				return
			}
			if errors.Is(err, store.ErrDuplicateID) {
				continue
			}
		}
		var v int64
		if err == nil {
			v, err = docVersion(collSettings, doc)
		}
		if err == nil {
			err = e.store.Replace(ctx, collSettings, store.Doc{"id": key}, v)
			if err == nil {
				return
			}
			if errors.Is(err, store.ErrVersionConflict) {
				continue
			}
		}
		e.log.Error("settings version not bumped", "key", key, "err", err)
		return
	}
}

// subordinates are everyone below id in the manager chain.
func (d *directory) subordinates(id string) []string {
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, r := range d.reports[m] {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
				queue = append(queue, r)
			}
		}
	}
	return out
}

// activeAdmins are the ids of the active admins, in order: who decides when a process names nobody.
func (d *directory) activeAdmins() []string {
	var out []string
	for id, u := range d.users {
		if u.Active && slices.Contains(u.Roles, RoleAdmin) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// activeManager is the first active manager up user's chain ("" when none).
func (d *directory) activeManager(user string) string {
	seen := map[string]bool{}
	for u := d.users[user]; u != nil && u.Manager != "" && !seen[u.Manager]; u = d.users[u.Manager] {
		seen[u.Manager] = true
		if m := d.users[u.Manager]; m != nil && m.Active {
			return u.Manager
		}
	}
	return ""
}
