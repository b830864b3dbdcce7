package engine

import (
	"context"
	"errors"

	"crm/engine/query"
	"crm/engine/store"
)

// Page sizes of a list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ListParams are a list request's parameters as the client wrote them.
type ListParams struct {
	Filter string
	Sort   string
	Cursor string
	Q      string
	Limit  int // 0: DefaultPageSize
}

// Page is one page of a list; NextCursor is empty on the last page.
type Page struct {
	Items      []Record `json:"items"`
	NextCursor string   `json:"next_cursor"`
}

// ListRecords filters, searches, sorts and pages an object's records by keyset, so a page is
// correct however many records are inserted meanwhile. Every part of the request is parsed and
// allow-listed against the definition; the query runs under a server-side time limit.
func (e *Engine) ListRecords(ctx context.Context, by *Actor, object string, p ListParams) (*Page, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	// Hidden fields are not in the view: naming one in a filter or sort is an unknown field,
	// so nothing can be inferred about their values.
	view := g.view
	limit := p.Limit
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, errorf(KindInvalid, "invalid_limit", "limit is between 1 and %d", MaxPageSize)
	}
	var and store.And
	f, err := e.listFilter(ctx, by, view, p.Filter)
	if err != nil {
		return nil, err
	}
	if f != nil {
		and = append(and, f)
	}
	search, err := query.Search(p.Q, view)
	if err != nil {
		return nil, queryErr(err)
	}
	if search != nil {
		and = append(and, search)
	}
	keys, err := query.ParseSort(p.Sort, view)
	if err != nil {
		return nil, queryErr(err)
	}
	query.MarkPresent(keys, f)
	if p.Cursor != "" {
		after, err := query.DecodeCursor(p.Cursor, keys, view)
		if err != nil {
			return nil, queryErr(err)
		}
		and = append(and, after)
	}
	if g.read != nil {
		and = append(and, g.read)
	}
	var filter store.Filter
	if len(and) > 0 {
		filter = and
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	docs, err := e.store.Find(ctx, recordsColl(object), store.Query{Filter: filter, Sort: keys, Limit: limit + 1})
	if err != nil {
		return nil, storeErr(err)
	}
	page := &Page{Items: make([]Record, 0, min(len(docs), limit))}
	if len(docs) > limit {
		docs = docs[:limit]
		page.NextCursor = query.EncodeCursor(keys, docs[limit-1])
	}
	for _, d := range docs {
		page.Items = append(page.Items, g.strip(wire(def, d)))
	}
	return page, nil
}

func queryErr(err error) error {
	var qe *query.Error
	if errors.As(err, &qe) {
		return &Error{Kind: KindInvalid, Code: qe.Code, Message: qe.Error()}
	}
	return err
}
