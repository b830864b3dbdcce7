package engine

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
	"crm/rules"
	"crm/workflow"
)

// Claiming a record from its pool and returning it (see forms/object_pools.go). A claim is a
// compare-and-set of the record's owner from the pool to the claimer, through the write pipeline
// (validation rules see the new owner: a holding limit is a rule on it), so two people claiming at
// once get one winner; the other finds the record taken and gets 409 already_claimed. A return
// gives the record back to a pool with a reason, kept in the audit trail.

// poolKey keeps, on a record taken from a pool, which pool it came from (never in the API's
// answers): a return without a named pool goes back there.
const poolKey = "_pool"

// maxReturnReason bounds a return's reason, kept in the audit trail.
const maxReturnReason = 500

// ClaimRecord takes a record its pool owns into the caller's hands. The caller needs edit
// permission on the object and to be a member or manager of the record's pool (admins may claim
// from any pool).
func (e *Engine) ClaimRecord(ctx context.Context, by *Actor, object, id, locale string) (Record, error) {
	for attempt := 0; ; attempt++ {
		rec, err := e.claimOnce(ctx, by, object, id, locale)
		if attempt < 5 && isVersionConflict(err) {
			continue // changed meanwhile: read again
		}
		return rec, err
	}
}

// claimedFromMyPool tells whether a record out of the caller's reach was claimed from a pool
// they are in: a claim that came second learns that someone was faster (409, not 404). Pool
// members know the pool's records, so this tells them nothing new.
func (e *Engine) claimedFromMyPool(ctx context.Context, by *Actor, def *definition, id string) (bool, error) {
	doc, err := e.getDoc(ctx, def.obj.Name, id)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	name, _ := doc[poolKey].(string)
	owner, _ := doc["owner"].(string)
	p := def.obj.PoolOf(forms.PoolOwner(name))
	if p == nil || def.obj.PoolOf(owner) != nil {
		return false, nil
	}
	return e.inPool(ctx, by, p)
}

func (e *Engine) claimOnce(ctx context.Context, by *Actor, object, id, locale string) (Record, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	old, err := e.visibleDoc(ctx, def, g, id)
	if isNotFound(err) {
		if taken, terr := e.claimedFromMyPool(ctx, by, def, id); terr != nil || taken {
			if terr != nil {
				return nil, terr
			}
			return nil, errorf(KindConflict, "already_claimed", "someone else claimed the %s record %s", object, id)
		}
	}
	if err != nil {
		return nil, err
	}
	owner, _ := old["owner"].(string)
	pool := def.obj.PoolOf(owner)
	if pool == nil {
		if owner == by.ID {
			return nil, errorf(KindConflict, "already_claimed", "the %s record %s is already yours", object, id)
		}
		return nil, errorf(KindConflict, "already_claimed", "the %s record %s is not in a pool: someone has claimed it", object, id)
	}
	in, err := e.inPool(ctx, by, pool)
	if err != nil {
		return nil, err
	}
	if !in {
		return nil, errorf(KindForbidden, "not_pool_member", "only members of the pool %s may claim its records", pool.Name)
	}
	if err := e.checkLock(ctx, by, object, id); err != nil {
		return nil, err
	}
	version, err := docVersion(recordsColl(object), old)
	if err != nil {
		return nil, err
	}
	stored, _, err := e.planUpdate(ctx, by, def, g, old, version, map[string]any{"owner": by.ID}, locale, nil, false)
	if err != nil {
		return nil, err
	}
	stored[poolKey] = pool.Name
	return e.commitUpdate(ctx, by, def, g, old, stored, version, auditEntry{Action: "record_claimed"}, locale)
}

// inPool tells whether the actor is a member or manager of the pool (admins are in every pool).
func (e *Engine) inPool(ctx context.Context, by *Actor, p *forms.Pool) (bool, error) {
	if by.IsAdmin() {
		return true, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return false, err
	}
	var teams []string
	if u := dir.users[by.ID]; u != nil {
		teams = u.Teams
	}
	return p.Members.Has(by.Roles, teams) || p.Managers.Has(by.Roles, teams), nil
}

// ReturnRecord gives a record back to a pool of its object: pool, else the pool it was claimed
// from, else the object's only pool. The caller must be allowed to change the record (its owner,
// their managers, the pool's managers, admins); the reason is required and kept in the audit.
func (e *Engine) ReturnRecord(ctx context.Context, by *Actor, object, id, pool, reason, locale string) (Record, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, errorf(KindValidation, "return_reason_required", "say why the record goes back to the pool")
	}
	if utf8.RuneCountInString(reason) > maxReturnReason {
		return nil, errorf(KindValidation, "return_reason_too_long", "the reason is longer than %d characters", maxReturnReason)
	}
	for attempt := 0; ; attempt++ {
		rec, err := e.returnOnce(ctx, by, object, id, pool, reason, locale)
		if attempt < 5 && isVersionConflict(err) {
			continue
		}
		return rec, err
	}
}

func (e *Engine) returnOnce(ctx context.Context, by *Actor, object, id, pool, reason, locale string) (Record, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	old, err := e.writableDoc(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	owner, _ := old["owner"].(string)
	if def.obj.PoolOf(owner) != nil {
		return nil, errorf(KindConflict, "already_in_pool", "the %s record %s is in a pool already", object, id)
	}
	if pool == "" {
		pool, _ = old[poolKey].(string)
		if def.obj.PoolOf(forms.PoolOwner(pool)) == nil && len(def.obj.Pools) == 1 {
			pool = def.obj.Pools[0].Name
		}
	}
	p := def.obj.PoolOf(forms.PoolOwner(pool))
	if p == nil {
		return nil, errorf(KindValidation, "pool_not_found", "the object %s has no pool %q", object, pool)
	}
	if err := e.checkLock(ctx, by, object, id); err != nil {
		return nil, err
	}
	version, err := docVersion(recordsColl(object), old)
	if err != nil {
		return nil, err
	}
	stored, _, err := e.planUpdate(ctx, by, def, g, old, version, map[string]any{"owner": forms.PoolOwner(p.Name)}, locale, nil, false)
	if err != nil {
		return nil, err
	}
	stored[poolKey] = p.Name
	return e.commitUpdate(ctx, by, def, g, old, stored, version, auditEntry{Action: "record_returned", Reason: reason}, locale)
}

// returnToPoolAction is an automation's return_to_pool: the record goes back to its pool as the
// system, with the action's reason in the record's history. A record in a pool already, or gone,
// is left as it is; a re-run finds it in the pool.
func (e *Engine) returnToPoolAction(ctx context.Context, def *definition, act workflow.Action, record string) (string, error) {
	reason := act.Reason["en"]
	if reason == "" {
		for _, text := range act.Reason {
			reason = text
			break
		}
	}
	r, err := e.ReturnRecord(ctx, SystemActor, def.obj.Name, record, act.Pool, reason, "en")
	switch {
	case err == nil:
		return "returned to " + fmt.Sprint(r["owner"]), nil
	case errCode(err) == "already_in_pool":
		return "in a pool already", nil
	case isNotFound(err):
		return "record gone", nil
	case errCode(err) == "pool_not_found":
		return "", permanent(err) // the definition changed: no retry brings the pool back
	}
	return "", err
}

// keepPool carries the pool a record came from over to its next version.
func keepPool(old, stored store.Doc) {
	if p, ok := old[poolKey]; ok {
		stored[poolKey] = p
	}
}

// ownerUser is the user owner as expressions read owner_user: the actor's own view when she is
// the owner, else the directory's (cached); nil for a pool, nobody, or an unknown id (the
// owner check refuses that one).
func (e *Engine) ownerUser(ctx context.Context, def *definition, actor rules.User, owner string) (*rules.User, error) {
	switch {
	case owner == "" || def.obj.PoolOf(owner) != nil:
		return nil, nil
	case owner == actor.ID:
		return &actor, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	u := dir.users[owner]
	if u == nil {
		return nil, nil
	}
	team := ""
	if len(u.Teams) > 0 {
		team = u.Teams[0]
	}
	return &rules.User{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles, Team: team, Teams: u.Teams}, nil
}

// ownerCounts are the object's owner counts for owner (forms.OwnerCount): per count, the records
// of its object matching its filter that owner holds, the record self not counted. Nothing is
// read when the object declares none, and a pool or no owner counts 0.
func (e *Engine) ownerCounts(ctx context.Context, def *definition, owner, self string) (map[string]int64, error) {
	if len(def.obj.OwnerCounts) == 0 || owner == "" || def.obj.PoolOf(owner) != nil {
		return nil, nil
	}
	out := make(map[string]int64, len(def.obj.OwnerCounts))
	for _, c := range def.obj.OwnerCounts {
		// A count whose object or filter no longer fits (the object or a field it names was
		// deleted since the save checked it) counts 0 and says so, rather than refusing every
		// write of this object.
		target, err := e.current(ctx, c.Object)
		if isNotFound(err) {
			e.log.Error("owner count not counted: its object is gone", "object", def.obj.Name, "count", c.Name, "counts", c.Object)
			continue
		}
		if err != nil {
			return nil, err
		}
		f := store.And{store.Compare{Field: "owner", Op: store.Eq, Value: owner, Scalar: true}}
		if c.Filter != "" {
			cf, err := ownerCountFilter(c, target.obj)
			if err != nil {
				e.log.Error("owner count not counted: its filter no longer fits", "object", def.obj.Name, "count", c.Name, "err", err)
				continue
			}
			f = append(f, cf)
		}
		if self != "" && c.Object == def.obj.Name {
			f = append(f, store.Compare{Field: "id", Op: store.Ne, Value: self, Scalar: true})
		}
		n, err := e.store.Count(ctx, recordsColl(c.Object), f)
		if err != nil {
			return nil, storeErr(err)
		}
		out[c.Name] = n
	}
	return out, nil
}

// ownerCountFilter is a count's filter as a store filter over its object.
func ownerCountFilter(c forms.OwnerCount, target *forms.Object) (store.Filter, error) {
	node, err := query.Parse(c.Filter)
	if err != nil {
		return nil, err
	}
	return query.Resolve(node, target)
}
