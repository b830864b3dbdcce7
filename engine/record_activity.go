package engine

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"crm/engine/store"
	"crm/forms"
)

// A record's activity timeline: the child records its object's timeline setting names (follow-ups,
// tasks, ...), its approvals and its field changes, merged newest first. Every item is what the
// reader may see: child records under her access to their object, without hidden fields; changes
// of fields hidden from her left out.

// Kinds of activity items.
const (
	ActivityRecord   = "record"   // a child record (its object and the lookup that ties it)
	ActivityChange   = "change"   // an audit entry of the record: created, changed, merged
	ActivityApproval = "approval" // an approval of the record
)

// Sources of the record's own items; a child source is "<object>.<lookup>". At the same time a
// child record comes first ("!" sorts before names), then the approval, then the change.
const (
	sourceHistory  = "!history"
	sourceApproval = "!approval"
)

// ActivityItem is one entry of a timeline.
type ActivityItem struct {
	At       string            `json:"at"`
	Kind     string            `json:"kind"`
	Object   string            `json:"object,omitempty"` // record: the child's object
	Lookup   string            `json:"lookup,omitempty"` // record: its lookup to the record
	Record   Record            `json:"record,omitempty"`
	Change   *AuditEntry       `json:"change,omitempty"`
	Approval *ApprovalInstance `json:"approval,omitempty"`
	key      activityKey
}

// ActivityPage is one page of a timeline; NextCursor (for before=) is empty on the last page.
type ActivityPage struct {
	Items      []ActivityItem `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// activityKey orders a timeline: newest first, then by source and id, both descending, so that
// every item has one place and a cursor names a point between two items.
type activityKey struct {
	At, Source, ID string
}

// before tells whether k comes after c on the timeline (is older).
func (k activityKey) before(c activityKey) bool {
	return cmp.Or(cmp.Compare(k.At, c.At), cmp.Compare(k.Source, c.Source), cmp.Compare(k.ID, c.ID)) < 0
}

func (k activityKey) encode() string {
	b, _ := json.Marshal([]string{k.At, k.Source, k.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeActivityCursor(s string) (*activityKey, error) {
	if s == "" {
		return nil, nil
	}
	bad := errorf(KindInvalid, "invalid_cursor", "before is not a cursor of this timeline; start again without it")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var parts []string
	if json.Unmarshal(b, &parts) != nil || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, bad
	}
	return &activityKey{parts[0], parts[1], parts[2]}, nil
}

// RecordActivity returns a page of the record's timeline older than before (a previous page's
// NextCursor; empty: the newest), limit items (0: DefaultPageSize).
func (e *Engine) RecordActivity(ctx context.Context, by *Actor, object, id, before string, limit int) (*ActivityPage, error) {
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, errorf(KindInvalid, "invalid_limit", "limit is between 1 and %d", MaxPageSize)
	}
	cur, err := decodeActivityCursor(before)
	if err != nil {
		return nil, err
	}
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	if _, err := e.visibleDoc(ctx, def, g, id); err != nil {
		return nil, err
	}
	older := func(k activityKey) bool { return cur == nil || k.before(*cur) }
	var items []ActivityItem
	for _, src := range def.obj.Timeline {
		got, err := e.childActivity(ctx, by, object, id, src, cur, limit+1)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	// The record's own trail and approvals are short: read whole, as their own calls show them.
	history, err := e.RecordHistory(ctx, by, object, id)
	if err != nil && !isNotFound(err) { // a record without a trail (written before there was one)
		return nil, err
	}
	for i := range history {
		h := &history[i]
		if k := (activityKey{h.At, sourceHistory, h.ID}); older(k) {
			items = append(items, ActivityItem{At: h.At, Kind: ActivityChange, Change: h, key: k})
		}
	}
	approvals, err := e.RecordApprovals(ctx, by, object, id)
	if err != nil {
		return nil, err
	}
	for _, a := range approvals {
		if k := (activityKey{a.SubmittedAt, sourceApproval, a.ID}); older(k) {
			c := *a
			c.Outbox = nil
			items = append(items, ActivityItem{At: a.SubmittedAt, Kind: ActivityApproval, Approval: &c, key: k})
		}
	}
	slices.SortFunc(items, func(a, b ActivityItem) int {
		switch {
		case a.key == b.key:
			return 0
		case b.key.before(a.key):
			return -1
		}
		return 1
	})
	page := &ActivityPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = items[limit-1].key.encode()
	}
	if page.Items == nil {
		page.Items = []ActivityItem{}
	}
	return page, nil
}

// childActivity reads up to n records of one timeline source older than the cursor that the
// reader may see; none when the source does not fit (no such object or lookup to this object)
// or she may not read the object or its lookup field.
func (e *Engine) childActivity(ctx context.Context, by *Actor, object, id string, src forms.TimelineSource, cur *activityKey, n int) ([]ActivityItem, error) {
	cdef, g, err := e.access(ctx, by, src.Object)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := cdef.obj.Field(src.Lookup)
	if f == nil || f.Type != forms.TypeLookup || f.Target != object || !g.perm.Read || g.hidden[src.Lookup] {
		return nil, nil
	}
	source := src.Object + "." + src.Lookup
	and := store.And{store.Compare{Field: src.Lookup, Op: store.Eq, Value: id, Scalar: true}}
	if cur != nil {
		// Older than the cursor: an earlier time, or the same time and, in key order, before it.
		switch older := (store.Compare{Field: "created_at", Op: store.Lt, Value: cur.At}); {
		case source < cur.Source:
			and = append(and, store.Or{older, store.Compare{Field: "created_at", Op: store.Eq, Value: cur.At}})
		case source == cur.Source:
			and = append(and, store.Or{older, store.And{store.Compare{Field: "created_at", Op: store.Eq, Value: cur.At},
				store.Compare{Field: "id", Op: store.Lt, Value: cur.ID}}})
		default:
			and = append(and, older)
		}
	}
	if g.read != nil {
		and = append(and, g.read)
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	docs, err := e.store.Find(ctx, recordsColl(src.Object), store.Query{Filter: and,
		Sort: []store.SortKey{{Field: "created_at", Desc: true}, {Field: "id", Desc: true}}, Limit: n})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]ActivityItem, 0, len(docs))
	for _, d := range docs {
		r := g.strip(wire(cdef, d))
		at, _ := d["created_at"].(string)
		rid, _ := d["id"].(string)
		out = append(out, ActivityItem{At: at, Kind: ActivityRecord, Object: src.Object, Lookup: src.Lookup, Record: r,
			key: activityKey{at, source, rid}})
	}
	return out, nil
}
