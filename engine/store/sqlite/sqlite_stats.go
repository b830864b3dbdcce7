package sqlite

import (
	"context"
	"strconv"
	"strings"

	"crm/engine/store"
)

// collStats are a collection's index statistics by leading field.
type collStats map[string]fieldStat

// fieldStat is what sqlite_stat1 says of an index led by a field: the rows it holds and the
// average number of rows per value of the field.
type fieldStat struct{ rows, perValue float64 }

// statsOf reads the statistics of coll's indexes by leading field (kept until the next optimize).
func (s *Store) statsOf(ctx context.Context, coll string) collStats {
	s.mu.Lock()
	st, ok := s.stats[coll]
	s.mu.Unlock()
	if ok {
		return st
	}
	st = collStats{}
	rows, err := s.reader.QueryContext(ctx, `SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?`, coll)
	if err != nil {
		// no statistics yet (no sqlite_stat1): the split is the safe choice
		s.mu.Lock()
		s.stats[coll] = st
		s.mu.Unlock()
		return st
	}
	defer rows.Close()
	for rows.Next() {
		var name, stat string
		if rows.Scan(&name, &stat) != nil {
			continue
		}
		ix, ok := indexOfName(name, coll)
		if !ok {
			continue
		}
		f := strings.Fields(stat)
		if len(f) < 2 {
			continue
		}
		n, err1 := strconv.ParseFloat(f[0], 64)
		per, err2 := strconv.ParseFloat(f[1], 64)
		if err1 == nil && err2 == nil && n > 0 {
			st[ix.Columns()[0].Field] = fieldStat{rows: n, perValue: per}
		}
	}
	if rows.Err() != nil {
		return collStats{}
	}
	s.mu.Lock()
	s.stats[coll] = st
	s.mu.Unlock()
	return st
}

// dense tells whether the IN's values hold so much of the table that walking the sort's own
// index and testing each row beats one index range per value: the walk reads about
// limit/fraction rows (each one a document to test), the split values × limit index entries
// (about a tenth of a row's cost each) and the page's rows. So the walk wins while
// 1/fraction − 1 < values/10: a manager whose team owns most records, as in a small company.
func (st collStats) dense(in store.In) bool {
	fs, ok := st[in.Field]
	if !ok {
		return false
	}
	fraction := float64(len(in.Values)) * fs.perValue / fs.rows
	if fraction <= 0 {
		return false
	}
	return 1/fraction-1 < float64(len(in.Values))/10
}
