package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// Saved list views live in list_views: one user's choice of columns, filter, sort and search for
// an object's list (or its kanban), kept for them and, when shared, offered to every reader.
const collViews = "list_views"

// View limits.
const (
	MaxViewColumns = 50
	maxViewName    = 100
)

// View is a saved list view. Owner, ID and Version are the server's.
type View struct {
	ID          string   `json:"id"`
	Object      string   `json:"object"`
	Name        string   `json:"name"`
	Columns     []string `json:"columns"`
	Filter      string   `json:"filter,omitempty"`
	Sort        string   `json:"sort,omitempty"`
	Q           string   `json:"q,omitempty"`
	KanbanField string   `json:"kanban_field,omitempty"`
	Shared      bool     `json:"shared,omitempty"`
	Owner       string   `json:"owner"`
	Version     int64    `json:"version"`
	// Withheld names the parts (filter, sort, kanban_field) left out for this reader because
	// they name fields hidden from them. Never stored.
	Withheld []string `json:"withheld,omitempty"`
}

// ListViews returns the actor's own views of an object and the views others shared, by name.
// Columns the actor may not see are left out, and so are a filter, sort or kanban field that
// names one (then listed in Withheld).
func (e *Engine) ListViews(ctx context.Context, by *Actor, object string) ([]*View, error) {
	_, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	docs, err := e.store.Find(ctx, collViews, store.Query{Filter: store.Compare{Field: "object", Op: store.Eq, Value: object, Scalar: true}})
	if err != nil {
		return nil, storeErr(err)
	}
	out := []*View{}
	parents := e.pathParents(ctx, by)
	for _, d := range docs {
		v, err := viewFromDoc(d)
		if err != nil {
			return nil, err
		}
		if v.Owner != by.ID && !v.Shared {
			continue
		}
		v.Columns = slices.DeleteFunc(v.Columns, func(c string) bool { return g.hidden[c] })
		// Checked as at save, against the reader's view: a part that names a field hidden from
		// them would show its name and the values compared with it. Without it the view
		// applies as a list request the reader may make, which cannot reveal hidden values.
		for _, p := range checkView(v, g.view, parents) {
			switch p.Pointer {
			case "/filter":
				v.Filter, v.Withheld = "", append(v.Withheld, "filter")
			case "/sort":
				v.Sort, v.Withheld = "", append(v.Withheld, "sort")
			case "/kanban_field":
				v.KanbanField, v.Withheld = "", append(v.Withheld, "kanban_field")
			}
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b *View) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func viewFromDoc(d store.Doc) (*View, error) {
	var v View
	if err := decodeDoc(collViews, d, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// SaveView creates a view (id empty) or replaces one the actor owns. Its filter, sort and search
// are checked as a list request would be, against the actor's view of the object, so a view can
// never name a field hidden from its owner.
func (e *Engine) SaveView(ctx context.Context, by *Actor, v *View, ifMatch int64) (*View, error) {
	create := v.ID == ""
	v.Withheld = nil
	var old *View
	if !create {
		var err error
		if old, err = e.ownView(ctx, by, v.ID); err != nil {
			return nil, err
		}
		if v.Object == "" {
			v.Object = old.Object
		}
		if old.Object != v.Object {
			return nil, errorf(KindInvalid, "invalid_view", "a view stays on its object (%s)", old.Object)
		}
		if ifMatch != 0 && ifMatch != old.Version {
			return nil, storeErr(store.ErrVersionConflict)
		}
	}
	_, g, err := e.access(ctx, by, v.Object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	if probs := checkView(v, g.view, e.pathParents(ctx, by)); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	if v.Columns == nil {
		v.Columns = []string{}
	}
	if create {
		v.ID, v.Owner = newID(), by.ID
	} else {
		v.Owner = old.Owner
	}
	doc, err := structToDoc(v)
	if err != nil {
		return nil, err
	}
	delete(doc, "version")
	if create {
		if err := e.store.Insert(ctx, collViews, doc); err != nil {
			return nil, storeErr(err)
		}
		v.Version = 1
	} else {
		if err := e.store.Replace(ctx, collViews, doc, old.Version); err != nil {
			return nil, storeErr(err)
		}
		v.Version = old.Version + 1
	}
	// A shared view changes what colleagues are offered: views are audited like definitions.
	e.audit(ctx, by, auditEntry{Action: "view_saved", Object: v.Object, Record: v.ID})
	return v, nil
}

// DeleteView removes a view of the actor's (an admin may remove any).
func (e *Engine) DeleteView(ctx context.Context, by *Actor, id string) error {
	old, err := e.ownView(ctx, by, id)
	if err != nil {
		return err
	}
	if err := e.store.Delete(ctx, collViews, id, old.Version); err != nil {
		return storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "view_deleted", Object: old.Object, Record: id})
	return nil
}

// ownView reads a view the actor may change: their own (an admin: any). Others' views are not
// found, shared or not, so ids reveal nothing.
func (e *Engine) ownView(ctx context.Context, by *Actor, id string) (*View, error) {
	d, err := e.store.Get(ctx, collViews, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "view_not_found", "no view %q of yours", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	v, err := viewFromDoc(d)
	if err != nil {
		return nil, err
	}
	if v.Owner != by.ID && !by.IsAdmin() {
		return nil, errorf(KindNotFound, "view_not_found", "no view %q of yours", id)
	}
	return v, nil
}

// checkView finds every problem of a view at once, with pointers, using the list's parsers.
func checkView(v *View, obj *forms.Object, parents *pathParents) []forms.Problem {
	var probs []forms.Problem
	bad := func(at, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: at, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if n := strings.TrimSpace(v.Name); n == "" || len(n) > maxViewName {
		bad("/name", "invalid_name", "a view needs a name of at most %d characters", maxViewName)
	}
	if len(v.Columns) > MaxViewColumns {
		bad("/columns", "too_many", "a view shows at most %d columns", MaxViewColumns)
	}
	seen := map[string]bool{}
	for i, c := range v.Columns {
		if _, ok := query.FieldOf(obj, c); !ok {
			bad(fmt.Sprintf("/columns/%d", i), "unknown_field", "unknown field %q", c)
		} else if seen[c] {
			bad(fmt.Sprintf("/columns/%d", i), "duplicate_column", "%q appears twice", c)
		}
		seen[c] = true
	}
	if err := checkFilter(v.Filter, obj, parents); err != nil {
		bad("/filter", "invalid_filter", "%s", errMessage(err))
	}
	if v.Sort != "" {
		if _, err := query.ParseSort(v.Sort, obj); err != nil {
			bad("/sort", "invalid_sort", "%s", errMessage(err))
		}
	}
	if _, err := query.Search(v.Q, obj); err != nil {
		bad("/q", "invalid_search", "%s", errMessage(err))
	}
	if v.KanbanField != "" {
		if f, ok := query.FieldOf(obj, v.KanbanField); !ok || f.Type != "picklist" {
			bad("/kanban_field", "invalid_kanban_field", "a kanban groups by a picklist field the view can see")
		}
	}
	return probs
}
