package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// TestApprovalFallback: a submitter without a manager does not stall a manager step: the
// process's fallback approver decides, else the admins; the timeline says so and the approver
// is notified. A notification "to the manager" of an owner without one reaches the admins.
func TestApprovalFallback(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		o := setupApprovals(t, e, clock)
		admin, err := e.SaveUser(ctx, SystemActor, "", UserInput{Email: ptr("root@example.com"), Password: ptr("correct-horse-root"), Roles: &[]string{RoleAdmin}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		notes := func(user string) int64 {
			n, err := e.store.Count(ctx, collNotes, store.Compare{Field: "user", Op: store.Eq, Value: user, Scalar: true})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// boss has no manager: his contract goes to the admins.
		o.rep = o.boss
		in := o.submit(t, o.contract(t, "100.00", false))
		if !slices.Equal(in.State.Approvers, []string{admin.ID}) {
			t.Fatalf("approvers of a manager step for a submitter without one: %v, want the admin %s", in.State.Approvers, admin.ID)
		}
		if !slices.ContainsFunc(in.Timeline, func(x TimelineEntry) bool {
			return x.Action == "fallback" && x.To == admin.ID && strings.Contains(x.Note, "fallback")
		}) {
			t.Errorf("the timeline does not say the fallback decides: %+v", in.Timeline)
		}
		if notes(admin.ID) == 0 {
			t.Errorf("the admin was not told of the task")
		}
		// With a fallback approver named, she decides instead.
		saveFlow(t, e, strings.Replace(contractFlow, `"entry_condition"`, `"fallback_approver":"`+o.fin.ID+`","entry_condition"`, 1), false)
		in = o.submit(t, o.contract(t, "200.00", false))
		if !slices.Equal(in.State.Approvers, []string{o.fin.ID}) {
			t.Fatalf("approvers with a fallback approver: %v, want %s", in.State.Approvers, o.fin.ID)
		}
		// An automation notifying "the manager" of boss's records tells the admins.
		mustAutomate(t, e, `{"name":"tell_manager","object":"contract","trigger":{"type":"created"},
		 "actions":[{"type":"notify","to":{"manager":true},"title":{"en":"New contract"}}]}`)
		before := notes(admin.ID)
		o.contract(t, "300.00", false)
		if notes(admin.ID) != before+1 {
			t.Errorf("a notification to the manager of an owner without one did not reach the admin")
		}
	})
}
