package sqlite

import (
	"context"
	"testing"
)

func TestScratch(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const coll = "obj_plan"
	if err := s.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, coll, 3000)
	if err := s.optimize(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.reader.Query(`SELECT tbl, idx, stat FROM sqlite_stat1`)
	for rows.Next() {
		var a, b, c any
		rows.Scan(&a, &b, &c)
		t.Log(a, b, c)
	}
	rows.Close()
	q := `SELECT id, version, doc FROM "obj_plan" WHERE json_extract(doc, '$.owner') = 'u1' AND json_extract(doc, '$.stage') = 's1' ORDER BY json_extract(doc, '$.created_at') DESC, id DESC LIMIT 51`
	t.Logf("%s", explain(t, s, q, nil))
}
