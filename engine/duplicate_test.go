package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
	"crm/workflow"
)

const dupLeadDef = `{"name":"lead","fields":[
 {"name":"company","type":"text","required":true},
 {"name":"email","type":"email"},
 {"name":"phone","type":"phone"},
 {"name":"note","type":"text"}]}`

const dupContactDef = `{"name":"contact","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"work_email","type":"email"}]}`

func mustDuplicateRules(t *testing.T, e *Engine, def string) {
	t.Helper()
	var d workflow.DuplicateRules
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveDuplicateRules(context.Background(), SystemActor, &d, false, 0); err != nil {
		t.Fatal(err)
	}
}

func salesRep(t *testing.T, e *Engine, email string) *Actor {
	t.Helper()
	id := person(t, e, email, nil, nil)
	return &Actor{ID: id, Email: email, Roles: []string{RoleSales}}
}

// duplicatesOf is the error's duplicate report, failing unless err is duplicate_found.
func duplicatesOf(t *testing.T, err error) *Duplicates {
	t.Helper()
	ee, ok := AsError(err)
	if !ok || ee.Code != "duplicate_found" || ee.Kind != KindConflict {
		t.Fatalf("got %v, want duplicate_found", err)
	}
	return ee.Details.(*Duplicates)
}

// TestDuplicateRulesBlockAndWarn: an email written another way is blocked with the match the
// writer may see; a company name written another way is saved with a warning; an update is
// checked only when a rule's field changes; a process is never refused.
func TestDuplicateRulesBlockAndWarn(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, dupLeadDef)
		mustDuplicateRules(t, e, `{"object":"lead","rules":[
		 {"name":"same_email","label":{"en":"Same email"},"action":"block","conditions":[{"field":"email","match":"email"}]},
		 {"name":"same_company","action":"warn","conditions":[{"field":"company","match":"fuzzy"}]}]}`)
		rep := salesRep(t, e, "rep@example.com")
		first, err := e.CreateRecord(ctx, rep, "lead", map[string]any{"company": "阿里巴巴(中国)有限公司", "email": "Li.Lei@Example.com"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := first[DuplicatesKey]; ok {
			t.Errorf("the first lead came back with duplicates: %v", first[DuplicatesKey])
		}
		for k := range first {
			if len(k) > 7 && k[:7] == workflow.KeyPrefix {
				t.Errorf("the answer shows the key %s", k)
			}
		}

		_, err = e.CreateRecord(ctx, rep, "lead", map[string]any{"company": "Other", "email": "li.lei+crm@example.COM"}, "zh-CN")
		d := duplicatesOf(t, err)
		if !d.Block || d.Hidden != 0 || len(d.Matches) != 1 || d.Matches[0].ID != first["id"] || d.Matches[0].Rule != "same_email" ||
			d.Matches[0].RuleLabel != "Same email" || d.Matches[0].Title != "阿里巴巴(中国)有限公司" {
			t.Fatalf("blocked by %+v", d)
		}
		if ee, _ := AsError(err); ee.Message != errorText("duplicate_found", "zh-CN") {
			t.Errorf("message %q, want the catalog's zh-CN text", ee.Message)
		}
		if n := countDocs(t, e, recordsColl("lead"), nil); n != 1 {
			t.Fatalf("%d leads after a blocked create, want 1", n)
		}

		second, err := e.CreateRecord(ctx, rep, "lead", map[string]any{"company": "阿里巴巴中国有限公司", "email": "han@example.com"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		warned, _ := second[DuplicatesKey].(*Duplicates)
		if warned == nil || warned.Block || len(warned.Matches) != 1 || warned.Matches[0].ID != first["id"] || warned.Matches[0].Action != "warn" {
			t.Fatalf("warn answer %+v", second[DuplicatesKey])
		}

		// Changing only the note of a record that has a twin is no new duplicate.
		upd, err := e.UpdateRecord(ctx, rep, "lead", second["id"].(string), map[string]any{"note": "called"}, 0, "en")
		if err != nil || upd[DuplicatesKey] != nil {
			t.Fatalf("note update: %v, duplicates %v", err, upd[DuplicatesKey])
		}
		// Changing the email to the first lead's is.
		_, err = e.UpdateRecord(ctx, rep, "lead", second["id"].(string), map[string]any{"email": "LI.LEI@example.com"}, 0, "en")
		duplicatesOf(t, err)
		// Its own email is never its own duplicate.
		if _, err := e.UpdateRecord(ctx, rep, "lead", first["id"].(string), map[string]any{"email": "li.lei@example.com"}, 0, "en"); err != nil {
			t.Fatalf("re-saving the first lead's own email: %v", err)
		}
		// A process writes what it must.
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Sys", "email": "li.lei@example.com"}, "en"); err != nil {
			t.Fatalf("system create: %v", err)
		}
	})
}

// TestDuplicatesLeakNothing: a match in a record the writer may not read blocks all the same,
// but the answer only counts it; a rule across objects finds a contact for a lead.
func TestDuplicatesLeakNothing(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, dupLeadDef, dupContactDef)
		mustDuplicateRules(t, e, `{"object":"lead","rules":[
		 {"name":"lead_email","action":"block","conditions":[{"field":"email","match":"email"}]},
		 {"name":"contact_email","action":"warn","against":"contact","conditions":[{"field":"email","match":"email","against_field":"work_email"}]}]}`)
		alice, bob := salesRep(t, e, "alice@example.com"), salesRep(t, e, "bob@example.com")
		if _, err := e.CreateRecord(ctx, alice, "lead", map[string]any{"company": "Secret Co", "email": "ceo@secret.cn"}, "en"); err != nil {
			t.Fatal(err)
		}
		_, err := e.CreateRecord(ctx, bob, "lead", map[string]any{"company": "Mine", "email": "CEO@secret.cn"}, "en")
		d := duplicatesOf(t, err)
		if len(d.Matches) != 0 || d.Hidden != 1 {
			t.Fatalf("bob sees %+v, want only a count of 1", d)
		}
		blob, _ := json.Marshal(d)
		if string(blob) != `{"matches":[],"hidden":1,"block":true}` {
			t.Errorf("bob's answer tells more than a count: %s", blob)
		}

		c, err := e.CreateRecord(ctx, bob, "contact", map[string]any{"name": "Wang", "work_email": "wang@corp.cn"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		lead, err := e.CreateRecord(ctx, bob, "lead", map[string]any{"company": "Corp", "email": "Wang@Corp.cn"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		w, _ := lead[DuplicatesKey].(*Duplicates)
		if w == nil || len(w.Matches) != 1 || w.Matches[0].Object != "contact" || w.Matches[0].ID != c["id"] || w.Matches[0].Fields[0] != "work_email" {
			t.Fatalf("lead against contacts: %+v", lead[DuplicatesKey])
		}
		// Alice finds bob's contact only as a count.
		got, err := e.CheckDuplicates(ctx, alice, "lead", "", map[string]any{"email": "wang@corp.cn"}, "en")
		if err != nil || len(got.Matches) != 0 || got.Hidden != 2 || !got.Block {
			t.Fatalf("alice's check: %+v %v (want bob's lead and contact counted, the lead blocking)", got, err)
		}
	})
}

// TestDuplicateKeysFollowTheRules: records written before a rule get its keys when it is saved
// (found by the index at once), and lose them when the rule goes.
func TestDuplicateKeysFollowTheRules(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, dupLeadDef)
		for i := range 3 {
			if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": fmt.Sprint("C", i), "phone": fmt.Sprintf("+86 138 0013 800%d", i)}, "en"); err != nil {
				t.Fatal(err)
			}
		}
		mustDuplicateRules(t, e, `{"object":"lead","rules":[{"name":"phone","action":"block","conditions":[{"field":"phone","match":"phone"}]}]}`)
		key := workflow.KeyField("phone", workflow.MatchPhone)
		if n := countDocs(t, e, recordsColl("lead"), store.Compare{Field: key, Op: store.Eq, Value: "8613800138001"}); n != 1 {
			t.Fatalf("%d leads carry the phone key 8613800138001, want 1", n)
		}
		admin := &Actor{ID: "admin", Roles: []string{RoleAdmin}}
		d, err := e.CheckDuplicates(ctx, admin, "lead", "", map[string]any{"phone": "138-0013-8002"}, "en")
		if err != nil || len(d.Matches) != 1 || d.Matches[0].Title != "C2" {
			t.Fatalf("check of a national number: %+v %v", d, err)
		}
		if err := e.DeleteDuplicateRules(ctx, SystemActor, "lead"); err != nil {
			t.Fatal(err)
		}
		if n := countDocs(t, e, recordsColl("lead"), store.IsNull{Field: key, Negate: true}); n != 0 {
			t.Errorf("%d leads keep the key after the rule went", n)
		}
		if _, err := e.CreateRecord(ctx, admin, "lead", map[string]any{"company": "C9", "phone": "13800138001"}, "en"); err != nil {
			t.Errorf("no rule, yet: %v", err)
		}
	})
}

// TestDuplicateRulesSaveChecks: every problem at once, If-Match, and a POST over existing rules.
func TestDuplicateRulesSaveChecks(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, dupLeadDef)
		var bad workflow.DuplicateRules
		_ = json.Unmarshal([]byte(`{"object":"lead","rules":[{"name":"x","action":"stop","conditions":[{"field":"nope","match":"email"}]}]}`), &bad)
		_, err := e.SaveDuplicateRules(ctx, SystemActor, &bad, false, 0)
		if ee, ok := AsError(err); !ok || ee.Code != "invalid_definition" || len(ee.Problems) != 3 {
			t.Fatalf("bad rules: %v %+v", err, ee)
		}
		mustDuplicateRules(t, e, `{"object":"lead","rules":[{"name":"x","action":"warn","conditions":[{"field":"email","match":"email"}]}]}`)
		good := workflow.DuplicateRules{Object: "lead", Rules: []workflow.DuplicateRule{{Name: "y", Action: "block", Conditions: []workflow.MatchCondition{{Field: "company", Match: "case_insensitive"}}}}}
		if _, err := e.SaveDuplicateRules(ctx, SystemActor, &good, false, 7); !isVersionConflict(err) {
			t.Errorf("stale If-Match: %v", err)
		}
		if _, err := e.SaveDuplicateRules(ctx, SystemActor, &good, true, 0); err == nil || err.(*Error).Code != "duplicate_rules_exists" {
			t.Errorf("create over existing rules: %v", err)
		}
		if out, err := e.SaveDuplicateRules(ctx, SystemActor, &good, false, 1); err != nil || out.Version != 2 {
			t.Errorf("save at version 1: %+v %v", out, err)
		}
	})
}

// TestFuzzyMatchFindsANameWithAnotherStart: "X Acme Software" and "深圳腾讯计算机系统" differ
// from their twins in their first characters, and enough other names sort between them that the
// neighbourhood of the key alone misses the twins; the key read from its end finds them.
func TestFuzzyMatchFindsANameWithAnotherStart(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, dupLeadDef)
		mustDuplicateRules(t, e, `{"object":"lead","rules":[
		 {"name":"same_company","action":"warn","conditions":[{"field":"company","match":"fuzzy","threshold":0.75}]}]}`)
		twins := map[string]string{"X Acme Software": "Acme Software", "深圳腾讯计算机系统": "腾讯计算机系统有限公司"}
		ids := map[string]any{}
		for _, name := range twins {
			r, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": name}, "en")
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = r["id"]
		}
		// Names whose keys sort between each pair ("b…" between "acme…" and "xacme…", "王…"
		// between "深…" and "腾…"), more than one neighbourhood reads.
		for i := range duplicateCandidates + 5 {
			for _, name := range []string{fmt.Sprintf("B Trading %02d", i), fmt.Sprintf("王氏贸易%02d", i)} {
				if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": name}, "en"); err != nil {
					t.Fatal(err)
				}
			}
		}
		admin := &Actor{ID: "admin", Roles: []string{RoleAdmin}}
		for name, twin := range twins {
			d, err := e.CheckDuplicates(ctx, admin, "lead", "", map[string]any{"company": name}, "en")
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Matches) != 1 || d.Matches[0].ID != ids[twin] {
				t.Errorf("%s: matches %+v, want %s", name, d.Matches, twin)
			}
		}
	})
}

// raceBatch is a store on which another writer changes a record right before the first batch of
// several records (a rekey's page) runs.
type raceBatch struct {
	store.Store
	once    sync.Once
	race    func()
	batches atomic.Int64
}

func (r *raceBatch) Batch(ctx context.Context, ops []store.WriteOp) error {
	if len(ops) > 1 && ops[0].Coll == recordsColl("lead") && ops[0].Kind == store.OpReplace {
		r.batches.Add(1)
		r.once.Do(r.race)
	}
	return r.Store.Batch(ctx, ops)
}

// TestRekeyWritesPages: saving a rule rewrites the keys of the records already there a page at a
// time (one batch each: a write per record made a rule on 20,000 records take 8 s, 1 s so), and a
// record changed meanwhile is skipped, not a failure, while the rest of its page still gets keys.
// On SQLite only: FerretDB writes a record in about 20 ms (the test passed there in 50 s), and
// its batch keeping a prefix is the conformance suite's.
func TestRekeyWritesPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inner := testenv.OpenSQLite(t)
	st := &raceBatch{Store: inner}
	e, err := New(ctx, Config{Store: st, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	mustDefine(t, e, dupLeadDef)
	const n = 1200
	var ops []store.WriteOp
	for i := range n {
		ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: recordsColl("lead"),
			Doc: store.Doc{"id": fmt.Sprintf("r%05d", i), "company": fmt.Sprintf("Co %d", i), "email": fmt.Sprintf("p%d@x.cn", i)}})
	}
	if err := inner.Batch(ctx, ops); err != nil {
		t.Fatal(err)
	}
	st.race = func() {
		d, err := inner.Get(ctx, recordsColl("lead"), "r00007")
		if err != nil {
			t.Error(err)
			return
		}
		v := d["version"].(int64)
		delete(d, "version")
		d["note"] = "changed meanwhile"
		if err := inner.Replace(ctx, recordsColl("lead"), d, v); err != nil {
			t.Error(err)
		}
	}
	mustDuplicateRules(t, e, `{"object":"lead","rules":[{"name":"same_email","action":"block","conditions":[{"field":"email","match":"email"}]}]}`)
	if got := st.batches.Load(); got != 3 {
		t.Errorf("%d records rekeyed in %d batches, want 3 (pages of 500)", n, got)
	}
	docs, err := inner.Find(ctx, recordsColl("lead"), store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	keyed := 0
	for _, d := range docs {
		if _, ok := d[workflow.KeyField("email", workflow.MatchEmail)]; ok {
			keyed++
		} else if d["id"] != "r00007" {
			t.Errorf("record %v has no email key", d["id"])
		}
	}
	if keyed != n-1 {
		t.Errorf("%d of %d records carry the email key, want all but the one changed meanwhile", keyed, n)
	}
}
