package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"crm/forms"
	"crm/internal/testenv"
	"crm/workflow"
)

// TestReferencesFollowTheParent: a ticket's SLA policy and a formula read its account through
// the lookup; when the account changes, its tickets follow (the refresh job); a reference to a
// field the account lacks is refused at save with its pointer.
func TestReferencesFollowTheParent(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, `{"name":"account","fields":[{"name":"name","type":"text","required":true},
		  {"name":"vip","type":"boolean"},{"name":"credit","type":"currency","currency":"CNY"}]}`)
		mustDefine(t, e, `{"name":"ticket","fields":[{"name":"subject","type":"text"},
		  {"name":"account","type":"lookup","target":"account"},
		  {"name":"limit","type":"formula","result_type":"currency","currency":"CNY","expression":"coalesce(account.credit, 0) * 2"}]}`)
		for i, src := range []string{
			`{"name":"vip","object":"ticket","order":1,"applies_when":"account.vip == true","metrics":[{"name":"response","target":"12h","stop_when":"subject == \"done\""}]}`,
			`{"name":"standard","object":"ticket","order":2,"metrics":[{"name":"response","target":"48h","stop_when":"subject == \"done\""}]}`,
		} {
			var p workflow.SLAPolicy
			if err := json.Unmarshal([]byte(src), &p); err != nil {
				t.Fatal(err)
			}
			if _, err := e.SaveSLAPolicy(ctx, SystemActor, &p, true, 0); err != nil {
				t.Fatalf("policy %d: %v", i, err)
			}
		}
		acc, err := e.CreateRecord(ctx, SystemActor, "account", map[string]any{"name": "Acme", "vip": false, "credit": "100.00"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		tk, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "broken", "account": acc["id"]}, "en")
		if err != nil {
			t.Fatal(err)
		}
		policy := func() (string, any) {
			t.Helper()
			d, err := e.store.Get(ctx, recordsColl("ticket"), tk["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			st, _ := d[slaStateKey].(map[string]any)
			r, _ := e.GetRecord(ctx, SystemActor, "ticket", tk["id"].(string))
			return fmtAny(st["policy"]), r["limit"]
		}
		if p, limit := policy(); p != "standard" || fmt.Sprint(limit) != "200.00" {
			t.Fatalf("a ticket of an ordinary account: policy %s, limit %v", p, limit)
		}
		if _, err := e.UpdateRecord(ctx, SystemActor, "account", acc["id"].(string), map[string]any{"vip": true, "credit": "250.50"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if p, limit := policy(); p != "vip" || fmt.Sprint(limit) != "501.00" {
			t.Fatalf("after the account became VIP: policy %s, limit %v; want vip, 501.00", p, limit)
		}
		// A new ticket of the VIP account is VIP at once.
		tk2, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "again", "account": acc["id"]}, "en")
		if err != nil || fmt.Sprint(tk2["limit"]) != "501.00" {
			t.Fatalf("a new ticket: %v %v", tk2, err)
		}
		// A reference to a field the account lacks is refused where it is written.
		var obj forms.Object
		_ = json.Unmarshal([]byte(`{"name":"task","fields":[{"name":"account","type":"lookup","target":"account"},
		  {"name":"hot","type":"formula","result_type":"boolean","expression":"account.vipp == true"}]}`), &obj)
		_, err = e.CreateObject(ctx, SystemActor, &obj)
		var ee *Error
		if !errors.As(err, &ee) || len(ee.Problems) != 1 || ee.Problems[0].Pointer != "/fields/1/expression" || ee.Problems[0].Column != 9 {
			t.Fatalf("a reference to a missing field: %v %+v", err, ee)
		}
	})
}

func fmtAny(v any) string {
	s, _ := v.(string)
	return s
}
