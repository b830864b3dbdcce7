package engine

import (
	"context"
	"errors"
	"slices"

	"crm/engine/store"
	"crm/workflow"
)

// Notification is an in-app message to one user.
type Notification struct {
	ID      string `json:"id"`
	At      string `json:"at"`
	Title   string `json:"title,omitempty"`
	Message string `json:"message,omitempty"`
	Object  string `json:"object,omitempty"`
	Record  string `json:"record,omitempty"`
	Read    bool   `json:"read"`
}

var noteIndexes = []store.Index{{Field: "user"}}

// notify sends an automation's notification to its recipients who may see the record; the
// texts are rendered in each recipient's locale. Ids derive from key, so a re-run sends nothing
// twice.
func (e *Engine) notify(ctx context.Context, def *definition, act workflow.Action, record string, doc store.Doc, key string) (int, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return 0, err
	}
	to := map[string]bool{}
	owner, _ := doc["owner"].(string)
	r := act.To
	if r.Owner && owner != "" {
		to[owner] = true
	}
	if r.Manager {
		// The owner's first active manager up the chain; an owner without one is not left
		// unheard of: the admins are told instead (an SLA escalation must reach someone).
		if m := dir.activeManager(owner); m != "" {
			to[m] = true
		} else {
			for _, a := range dir.activeAdmins() {
				to[a] = true
			}
		}
	}
	for _, u := range r.Users {
		to[u] = true
	}
	for _, u := range dir.users {
		for _, role := range r.Roles {
			if slices.Contains(u.Roles, role) {
				to[u.ID] = true
			}
		}
		for _, t := range r.Teams {
			if slices.Contains(u.Teams, t) {
				to[u.ID] = true
			}
		}
	}
	wire := def.compiled.Output(doc)
	for _, k := range systemFields {
		if v, ok := doc[k]; ok {
			wire[k] = v
		}
	}
	sent := 0
	for uid := range to {
		u := dir.users[uid]
		if u == nil || !u.Active {
			continue
		}
		actor := &Actor{ID: u.ID, Email: u.Email, Roles: u.Roles, Teams: u.Teams}
		g, err := e.grantOn(ctx, actor, def)
		if err != nil {
			return sent, err
		}
		if !g.perm.Read {
			continue
		}
		if _, err := e.visibleDoc(ctx, def, g, record); err != nil {
			if isNotFound(err) {
				continue // a notification must not reveal a record its reader cannot see
			}
			return sent, err
		}
		seen := g.strip(copyRecord(wire))
		n := store.Doc{"id": derivedID("note:" + key + ":" + uid), "user": uid, "at": e.stamp(), "read": false,
			"title": workflow.Render(act.Title.In(u.Locale), seen), "message": workflow.Render(act.Message.In(u.Locale), seen),
			"object": def.obj.Name, "record": record}
		if err := e.store.Insert(ctx, collNotes, n); err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return sent, storeErr(err)
		}
		e.emailNotification(ctx, u, n["id"].(string), n["title"].(string), n["message"].(string), def.obj.Name, record)
		sent++
	}
	return sent, nil
}

func copyRecord(r Record) Record {
	out := make(Record, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out
}

// Notifications lists the caller's notifications, newest first, with the unread count.
func (e *Engine) Notifications(ctx context.Context, by *Actor, unreadOnly bool, limit int) ([]Notification, int64, error) {
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	mine := store.Compare{Field: "user", Op: store.Eq, Value: by.ID, Scalar: true}
	unread := store.And{mine, store.Compare{Field: "read", Op: store.Eq, Value: false, Scalar: true}}
	var f store.Filter = mine
	if unreadOnly {
		f = unread
	}
	docs, err := e.store.Find(ctx, collNotes, store.Query{Filter: f, Sort: []store.SortKey{{Field: "at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, 0, storeErr(err)
	}
	n, err := e.store.Count(ctx, collNotes, unread)
	if err != nil {
		return nil, 0, storeErr(err)
	}
	out := make([]Notification, 0, len(docs))
	for _, d := range docs {
		var x Notification
		if err := decodeDoc(collNotes, d, &x); err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, n, nil
}

// MarkRead marks one of the caller's notifications read ("" : all of them).
func (e *Engine) MarkRead(ctx context.Context, by *Actor, id string) error {
	var docs []store.Doc
	if id == "" {
		var err error
		docs, err = e.store.Find(ctx, collNotes, store.Query{Filter: store.And{
			store.Compare{Field: "user", Op: store.Eq, Value: by.ID, Scalar: true},
			store.Compare{Field: "read", Op: store.Eq, Value: false, Scalar: true}}})
		if err != nil {
			return storeErr(err)
		}
	} else {
		d, err := e.store.Get(ctx, collNotes, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && d["user"] != by.ID) {
			return errorf(KindNotFound, "notification_not_found", "no notification %q", id)
		}
		if err != nil {
			return storeErr(err)
		}
		docs = []store.Doc{d}
	}
	for _, d := range docs {
		v, err := docVersion(collNotes, d)
		if err != nil {
			return err
		}
		delete(d, "version")
		d["read"] = true
		if err := e.store.Replace(ctx, collNotes, d, v); err != nil && !errors.Is(err, store.ErrVersionConflict) {
			return storeErr(err)
		}
	}
	return nil
}
