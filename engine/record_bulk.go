package engine

import (
	"context"
	"sync"
)

// Bulk work on records (POST /api/records/{object}/bulk): one change for many records, each
// record through the whole write pipeline and the caller's access as if changed alone, with a
// result per record. One record's refusal does not stop the others; nothing is rolled back.

// MaxBulkRecords bounds the records of one bulk request.
const MaxBulkRecords = 200

// Bulk actions.
const (
	BulkUpdate = "update" // Values is the patch of every record (owner included: a reassignment)
	BulkDelete = "delete"
)

// BulkRequest is a bulk request as the client sends it.
type BulkRequest struct {
	Action   string           `json:"action"`
	IDs      []string         `json:"ids"`
	Values   map[string]any   `json:"values,omitempty"`
	Versions map[string]int64 `json:"versions,omitempty"` // per record, as If-Match; none: any version
}

// BulkResult is what became of one record.
type BulkResult struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Version int64  `json:"version,omitempty"`
	Error   *Error `json:"error,omitempty"`
}

// bulkWorkers write records of a bulk request at once, so that their commits are shared.
const bulkWorkers = 4

// BulkRecords applies req to each record and answers a result per record, in the request's order.
// A malformed request is refused as a whole before anything is written; an error of the store
// (not a refusal of one record) ends the request with that error.
func (e *Engine) BulkRecords(ctx context.Context, by *Actor, object string, req BulkRequest, locale string) ([]BulkResult, error) {
	if _, _, err := e.access(ctx, by, object); err != nil {
		return nil, err
	}
	switch {
	case req.Action != BulkUpdate && req.Action != BulkDelete:
		return nil, errorf(KindInvalid, "invalid_bulk", "action is %s or %s", BulkUpdate, BulkDelete)
	case len(req.IDs) == 0 || len(req.IDs) > MaxBulkRecords:
		return nil, errorf(KindInvalid, "invalid_bulk", "name 1 to %d records", MaxBulkRecords)
	case req.Action == BulkUpdate && len(req.Values) == 0:
		return nil, errorf(KindInvalid, "invalid_bulk", "an update names the values to set")
	case req.Action == BulkDelete && len(req.Values) > 0:
		return nil, errorf(KindInvalid, "invalid_bulk", "a delete takes no values")
	}
	seen := make(map[string]bool, len(req.IDs))
	for _, id := range req.IDs {
		if id == "" || seen[id] {
			return nil, errorf(KindInvalid, "invalid_bulk", "record %q is named twice or is empty", id)
		}
		seen[id] = true
	}
	out := make([]BulkResult, len(req.IDs))
	var (
		mu    sync.Mutex
		fatal error
		wg    sync.WaitGroup
		next  = make(chan int)
	)
	for range bulkWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res, err := e.bulkOne(ctx, by, object, req, req.IDs[i], locale)
				if err != nil {
					mu.Lock()
					fatal = err
					mu.Unlock()
					continue
				}
				out[i] = res
			}
		}()
	}
	for i := range req.IDs {
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if fatal != nil {
		return nil, fatal
	}
	return out, nil
}

// bulkOne changes one record; a refusal is its result, any other error the request's.
func (e *Engine) bulkOne(ctx context.Context, by *Actor, object string, req BulkRequest, id, locale string) (BulkResult, error) {
	res := BulkResult{ID: id}
	var err error
	switch req.Action {
	case BulkUpdate:
		patch := make(map[string]any, len(req.Values))
		for k, v := range req.Values {
			patch[k] = v // the pipeline may change its input
		}
		var r Record
		if r, err = e.UpdateRecord(ctx, by, object, id, patch, req.Versions[id], locale); err == nil {
			res.Version, _ = r["version"].(int64)
		}
	case BulkDelete:
		err = e.DeleteRecord(ctx, by, object, id, req.Versions[id])
	}
	if err == nil {
		res.OK = true
		return res, nil
	}
	ee, ok := AsError(err)
	if !ok || ee.Kind == KindUnavailable {
		return res, err
	}
	res.Error = ee.Localized(locale)
	return res, nil
}
