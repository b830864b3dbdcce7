package engine

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// collAudit holds the audit trail: append-only, one document per change or sign-in.
const collAudit = "audit"

// auditIndexes serve a record's history and the admin's filters.
var auditIndexes = []store.Index{{Field: "record"}, {Field: "action"}, {Field: "actor"}}

// auditEntry is one line of the audit trail.
type auditEntry struct {
	Action  string            // record_created, record_updated, record_deleted, definition_*, login_*, user_*, ...
	Object  string            // the object, or "user", "team", "role" for the directory
	Record  string            // the record, user, team or role id
	Email   string            // for sign-ins: the email tried
	Reason  string            // for failed sign-ins, and why a record went back to its pool
	Changes map[string]Change // field -> old and new, wire form
	// Merged are the records a merge folded into Record; MergedInto the record a merged one went into.
	Merged     []string
	MergedInto string
}

// Change is one field's old and new value in the audit trail.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// AuditEntry is an audit line as the API shows it.
type AuditEntry struct {
	ID         string            `json:"id"`
	At         string            `json:"at"`
	Actor      string            `json:"actor,omitempty"`
	RequestID  string            `json:"request_id,omitempty"`
	IP         string            `json:"ip,omitempty"`
	Action     string            `json:"action"`
	Object     string            `json:"object,omitempty"`
	Record     string            `json:"record,omitempty"`
	Email      string            `json:"email,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Changes    map[string]Change `json:"changes,omitempty"`
	Merged     []string          `json:"merged,omitempty"`
	MergedInto string            `json:"merged_into,omitempty"`
}

type requestIDKey struct{}

// WithRequestID carries the HTTP request id into engine calls, for the audit trail.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

type clientIPKey struct{}

// WithClientIP carries the caller's address into engine calls, for the audit trail and the
// per-address sign-in limit.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// audit appends an entry. It is written after the change it records; a failure is logged, not
// returned, since the change itself is already stored. Record writes store their entry with the
// change instead (see commitWrite).
func (e *Engine) audit(ctx context.Context, by *Actor, a auditEntry) {
	if err := e.store.Insert(context.WithoutCancel(ctx), collAudit, e.auditDoc(ctx, by, a)); err != nil {
		e.log.Error("audit entry not written", "action", a.Action, "object", a.Object, "record", a.Record, "err", err)
	}
}

// auditDoc is the stored form of an entry.
func (e *Engine) auditDoc(ctx context.Context, by *Actor, a auditEntry) store.Doc {
	doc := store.Doc{"id": newID(), "at": e.stamp(), "action": a.Action}
	if by != nil {
		doc["actor"] = by.ID
	}
	if rid, ok := ctx.Value(requestIDKey{}).(string); ok && rid != "" {
		doc["request_id"] = rid
	}
	if ip := clientIP(ctx); ip != "" {
		doc["ip"] = ip
	}
	if len(a.Merged) > 0 {
		doc["merged"] = anyList(a.Merged)
	}
	for _, kv := range [...][2]string{{"object", a.Object}, {"record", a.Record}, {"email", a.Email}, {"reason", a.Reason}, {"merged_into", a.MergedInto}} {
		if kv[1] != "" {
			doc[kv[0]] = kv[1]
		}
	}
	if len(a.Changes) > 0 {
		ch := make(map[string]any, len(a.Changes))
		for f, c := range a.Changes {
			ch[f] = map[string]any{"old": auditValue(c.Old), "new": auditValue(c.New)}
		}
		doc["changes"] = ch
	}
	return doc
}

// auditValue keeps a wire value exactly: numbers as their decimal text (money is never a float).
func auditValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		return string(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = auditValue(x)
		}
		return out
	case nil:
		return nil
	}
	return toStoreKinds(v)
}

// diff lists the fields whose wire values differ between two versions of a record.
func diff(old, new Record) map[string]Change {
	out := make(map[string]Change, len(new))
	note := func(k string) {
		if k != "version" && k != "updated_at" && k != "updated_by" && !reflect.DeepEqual(old[k], new[k]) {
			out[k] = Change{Old: old[k], New: new[k]}
		}
	}
	for k := range old {
		note(k)
	}
	for k := range new {
		if _, seen := old[k]; !seen {
			note(k)
		}
	}
	return out
}

// RecordHistory returns a record's audit trail with those of the records merged into it, newest
// first, as the actor may see it: hidden
// fields are left out, and so are entries that changed nothing else; client addresses only for
// admins; a record the actor cannot see answers 404.
func (e *Engine) RecordHistory(ctx context.Context, by *Actor, object, id string) ([]AuditEntry, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	if _, err := e.visibleDoc(ctx, def, g, id); err != nil {
		// Admins may read the trail of a deleted record.
		if !(g.admin && isNotFound(err)) {
			return nil, err
		}
	}
	ids, err := e.mergedWith(ctx, object, id)
	if err != nil {
		return nil, err
	}
	docs, err := e.store.Find(ctx, collAudit, store.Query{
		Filter: store.And{store.In{Field: "record", Values: ids}, store.Compare{Field: "object", Op: store.Eq, Value: object}},
		Sort:   []store.SortKey{{Field: "id", Desc: true}}, Limit: 1000})
	if err != nil {
		return nil, storeErr(err)
	}
	if len(docs) == 0 {
		return nil, errorf(KindNotFound, "record_not_found", "no %s record %q", object, id)
	}
	out := make([]AuditEntry, 0, len(docs))
	for _, d := range docs {
		a, err := auditFromDoc(d)
		if err != nil {
			return nil, err
		}
		changed := len(a.Changes) > 0
		for f := range a.Changes {
			if g.hidden[f] {
				delete(a.Changes, f)
			}
		}
		if changed && len(a.Changes) == 0 {
			continue // a change of hidden fields only: that it happened is hidden too
		}
		if !g.admin {
			a.IP = "" // addresses are for admins
		}
		out = append(out, a)
	}
	return out, nil
}

// ListAudit returns the newest audit entries, optionally of one action or actor. Admins only.
func (e *Engine) ListAudit(ctx context.Context, by *Actor, q AuditQuery) (*AuditPage, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, errorf(KindInvalid, "invalid_limit", "limit is between 1 and %d", MaxPageSize)
	}
	action, actor := q.Action, q.Actor
	var and store.And
	if action != "" {
		and = append(and, store.Compare{Field: "action", Op: store.Eq, Value: action})
	}
	if actor != "" {
		and = append(and, store.Compare{Field: "actor", Op: store.Eq, Value: actor})
	}
	newest := []store.SortKey{{Field: "id", Desc: true}}
	if q.Cursor != "" {
		after, err := query.DecodeCursor(q.Cursor, newest, &forms.Object{})
		if err != nil {
			return nil, queryErr(err)
		}
		and = append(and, after)
	}
	var f store.Filter
	if len(and) > 0 {
		f = and
	}
	docs, err := e.store.Find(ctx, collAudit, store.Query{Filter: f, Sort: newest, Limit: limit + 1})
	if err != nil {
		return nil, storeErr(err)
	}
	page := &AuditPage{Items: make([]AuditEntry, 0, min(len(docs), limit))}
	if len(docs) > limit {
		docs = docs[:limit]
		page.NextCursor = query.EncodeCursor(newest, docs[limit-1])
	}
	for _, d := range docs {
		a, err := auditFromDoc(d)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, a)
	}
	return page, nil
}

// AuditQuery selects audit entries: by action and actor when given, newest first, a page of
// Limit (0: DefaultPageSize) after Cursor (a previous page's NextCursor).
type AuditQuery struct {
	Action, Actor, Cursor string
	Limit                 int
}

// AuditPage is one page of the audit trail; NextCursor is empty on the last page.
type AuditPage struct {
	Items      []AuditEntry `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// auditFromDoc decodes a stored audit entry. The values of its changes are record values, kept
// in the seam's kinds (exact integers), not passed through JSON.
func auditFromDoc(d store.Doc) (AuditEntry, error) {
	var a AuditEntry
	rest := maps.Clone(d)
	delete(rest, "changes")
	if err := decodeDoc(collAudit, rest, &a); err != nil {
		return AuditEntry{}, err
	}
	bad := func(field string, v any) error {
		return &StoredDocError{Coll: collAudit, ID: a.ID, Field: field, Want: "map[string]interface {}", Got: kindOf(v)}
	}
	switch ch := d["changes"].(type) {
	case nil:
	case map[string]any:
		a.Changes = make(map[string]Change, len(ch))
		for k, v := range ch {
			m, ok := v.(map[string]any)
			if !ok {
				return AuditEntry{}, bad("changes."+k, v)
			}
			a.Changes[k] = Change{Old: m["old"], New: m["new"]}
		}
	default:
		return AuditEntry{}, bad("changes", ch)
	}
	return a, nil
}
