package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"crm/internal/testenv"
)

// TestTemplatePlaybook: the default template's sales playbook through the HTTP API, on both
// backends: a rep claims a lead from the pool (a second claim gets 409), converts it, quotes from
// the price book with tiered prices, a discount above the product's limit needs the manager's
// approval before the quote can be sent (and again when it grows after approval), the accepted
// quote drafts its contract and wins the opportunity, and the contract is collected in
// installments: partial payments, what is still receivable, and an overdue reminder that clears
// once the installment is paid.
func TestTemplatePlaybook(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		clock.ns.Store(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC).UnixNano()) // Monday 10:00 in Shanghai
		h := templateHarness(t, b, clock)
		asLin, asChen, asZhou, asFang := h.as("lin"), h.as("chen"), h.as("zhou"), h.as("fang")
		find := func(object, filter string, who []string) []map[string]any {
			t.Helper()
			var out []map[string]any
			for _, it := range h.mustDo(200, "GET", "/api/records/"+object+"?filter="+url.QueryEscape(filter), "", who...).JSON["items"].([]any) {
				out = append(out, it.(map[string]any))
			}
			return out
		}
		get := func(object, id string, who []string) map[string]any {
			t.Helper()
			return h.mustDo(200, "GET", "/api/records/"+object+"/"+id, "", who...).JSON
		}
		// tick runs due jobs (roll-ups, timers) as the server's scheduler would.
		tick := func() {
			for i := 0; i < 3; i++ {
				h.tick()
			}
		}
		code := func(r response) string {
			e, _ := r.JSON["error"].(map[string]any)
			s, _ := e["code"].(string)
			return s + " " + r.Text
		}

		// Claim: one of two reps wins the pool lead.
		pool := find("lead", `owner = "pool:lead_pool"`, asLin)
		if len(pool) == 0 {
			t.Fatal("the demo lead pool is empty")
		}
		leadID := pool[0]["id"].(string)
		h.mustDo(200, "POST", "/api/records/lead/"+leadID+"/claim", "", asLin...)
		if r := h.mustDo(409, "POST", "/api/records/lead/"+leadID+"/claim", "", asChen...); !strings.Contains(code(r), "already_claimed") {
			t.Fatalf("second claim: %s", r.Text)
		}

		// Convert: account, contact and opportunity belong to the rep.
		h.mustDo(200, "POST", "/api/records/lead/"+leadID+"/automations/convert_lead", "", asLin...)
		lead := get("lead", leadID, asLin)
		accountID, oppID := lead["converted_account"].(string), lead["converted_opportunity"].(string)

		// Quote from the standard price book.
		books := find("price_book", `name = "Standard 2027"`, asLin)
		if len(books) != 1 {
			t.Fatalf("price books: %v", books)
		}
		entry := map[string]string{}
		for _, e := range find("price_book_entry", `price_book = "`+books[0]["id"].(string)+`"`, asLin) {
			entry[strings.SplitN(e["name"].(string), " ·", 2)[0]] = e["id"].(string)
		}
		q := h.mustDo(201, "POST", "/api/records/quote", fmt.Sprintf(`{"name":"Harbor CRM rollout","account":%q,"opportunity":%q,"price_book":%q}`,
			accountID, oppID, books[0]["id"]), asLin...)
		qid := q.JSON["id"].(string)
		if q.JSON["status"] != "draft" || !strings.HasPrefix(q.JSON["ref"].(string), "Q-") {
			t.Fatalf("new quote: %s", q.Text)
		}
		line := func(entryName string, qty, discount int) map[string]any {
			t.Helper()
			return h.mustDo(201, "POST", "/api/records/quote_line", fmt.Sprintf(`{"quote":%q,"price_entry":%q,"quantity":%d,"discount":%d}`,
				qid, entry[entryName], qty, discount), asLin...).JSON
		}
		// 60 seats reach the 50-seat tier (1,080 instead of 1,200); 5 % off is within the limit.
		seats := line("CRM Pro", 60, 5)
		if fmt.Sprint(seats["list_price"]) != "1200" || fmt.Sprint(seats["tier_price"]) != "1080" || fmt.Sprint(seats["unit_price"]) != "1026" || fmt.Sprint(seats["amount"]) != "61560" ||
			seats["over_limit"] != false || seats["name"] != "CRM Pro (per seat, 1 year)" {
			t.Fatalf("tiered line: %v", seats)
		}
		if small := line("CRM Pro", 10, 0); fmt.Sprint(small["tier_price"]) != "1200" || fmt.Sprint(small["amount"]) != "12000" {
			t.Fatalf("a line below the tiers: %v", small)
		}
		// Training at 20 % off is above its 5 % limit.
		training := line("Onboarding", 2, 20)
		if fmt.Sprint(training["amount"]) != "9600" || training["over_limit"] != true {
			t.Fatalf("discounted line: %v", training)
		}
		tick()
		q.JSON = get("quote", qid, asLin)
		if q.JSON["line_count"] != float64(3) || fmt.Sprint(q.JSON["total"]) != "83160" || fmt.Sprint(q.JSON["list_total"]) != "96000" ||
			q.JSON["max_discount"] != float64(20) || q.JSON["lines_over_limit"] != float64(1) {
			t.Fatalf("quote totals: %v", q.JSON)
		}
		// A line from another price book's entry is refused (here: a made-up book of the analyst's).
		other := h.mustDo(201, "POST", "/api/records/price_book", `{"name":"Partner 2027"}`, h.as("ana")...).JSON["id"].(string)
		pe := h.mustDo(201, "POST", "/api/records/price_book_entry", fmt.Sprintf(`{"name":"CRM Pro · Partner","price_book":%q,"product":%q,"unit_price":"900"}`,
			other, find("product", `code = "CRM-PRO"`, asLin)[0]["id"]), h.as("ana")...).JSON["id"].(string)
		if r := h.mustDo(422, "POST", "/api/records/quote_line", fmt.Sprintf(`{"quote":%q,"price_entry":%q,"quantity":1}`, qid, pe), asLin...); !strings.Contains(r.Text, "entry_in_quote_price_book") {
			t.Fatalf("entry of another book: %s", r.Text)
		}
		// Reps read products but do not set prices.
		h.mustDo(403, "POST", "/api/records/product", `{"name":"Cheap","code":"X-1","list_price":"1","max_discount":99}`, asLin...)

		// Sending needs the discount approved first.
		if r := h.mustDo(422, "PATCH", "/api/records/quote/"+qid, `{"status":"sent"}`, asLin...); !strings.Contains(r.Text, "discount_needs_approval") {
			t.Fatalf("sent without approval: %s", r.Text)
		}
		h.mustDo(201, "POST", "/api/records/quote/"+qid+"/approvals", `{"comment":"competitive deal"}`, asLin...)
		if got := get("quote", qid, asLin); got["discount_approval"] != "pending" {
			t.Fatalf("submitted quote: %v", got)
		}
		if r := h.mustDo(422, "POST", "/api/records/quote_line", fmt.Sprintf(`{"quote":%q,"price_entry":%q,"quantity":1}`, qid, entry["CRM Pro"]), asLin...); !strings.Contains(r.Text, "quote_not_open") {
			t.Fatalf("a line added during approval: %s", r.Text)
		}
		var aid string
		for _, it := range h.mustDo(200, "GET", "/api/approvals?assigned=me&status=open", "", asZhou...).JSON["items"].([]any) {
			if m := it.(map[string]any); m["record"] == qid {
				aid = m["approval"].(string)
				// The quote has no amount of its own: the approver sees its totals.
				if got := fmt.Sprint(m["amounts"]); got != "map[list_total:96000 total:83160]" {
					t.Errorf("the quote's amounts in the inbox: %s", got)
				}
			}
		}
		if aid == "" {
			t.Fatal("the sales manager has no approval task")
		}
		h.mustDo(200, "POST", "/api/approvals/"+aid+"/approve", `{"comment":"ok for this deal"}`, asZhou...)
		if got := get("quote", qid, asLin); got["discount_approval"] != "approved" || got["approved_discount"] != float64(20) {
			t.Fatalf("approved quote: %v", got)
		}
		if r := h.mustDo(422, "PATCH", "/api/records/quote/"+qid, `{"approved_discount":50}`, asLin...); !strings.Contains(code(r), "controlled_field") {
			t.Fatalf("the rep set the approved discount: %s", r.Text)
		}
		// A deeper discount after the approval needs a new one.
		h.mustDo(200, "PATCH", "/api/records/quote_line/"+training["id"].(string), `{"discount":25}`, asLin...)
		tick()
		if r := h.mustDo(422, "PATCH", "/api/records/quote/"+qid, `{"status":"sent"}`, asLin...); !strings.Contains(r.Text, "discount_needs_approval") {
			t.Fatalf("sent with a discount above the approved one: %s", r.Text)
		}
		h.mustDo(200, "PATCH", "/api/records/quote_line/"+training["id"].(string), `{"discount":20}`, asLin...)
		tick()
		h.mustDo(200, "PATCH", "/api/records/quote/"+qid, `{"status":"sent"}`, asLin...)
		h.mustDo(200, "PATCH", "/api/records/quote/"+qid, `{"status":"accepted"}`, asLin...)
		if r := h.mustDo(422, "PATCH", "/api/records/quote/"+qid, `{"status":"sent"}`, asLin...); !strings.Contains(r.Text, "accepted_is_final") {
			t.Fatalf("an accepted quote reopened: %s", r.Text)
		}
		if r := h.mustDo(422, "PATCH", "/api/records/quote_line/"+seats["id"].(string), `{"discount":1}`, asLin...); !strings.Contains(r.Text, "quote_not_open") {
			t.Fatalf("a line of an accepted quote changed: %s", r.Text)
		}

		// The accepted quote drafted its contract and won the opportunity.
		tick()
		contracts := find("contract", `quote = "`+qid+`"`, asLin)
		if len(contracts) != 1 {
			t.Fatalf("contracts from the quote: %v", contracts)
		}
		c := contracts[0]
		cid := c["id"].(string)
		if fmt.Sprint(c["amount"]) != "83160" || c["account"] != accountID || c["status"] != "draft" || fmt.Sprint(c["outstanding"]) != "83160" {
			t.Fatalf("contract from the quote: %v", c)
		}
		if opp := get("opportunity", oppID, asLin); opp["stage"] != "won" || fmt.Sprint(opp["amount"]) != "83160" {
			t.Fatalf("opportunity after acceptance: %v", opp)
		}

		// Collections: two installments, paid in part.
		plan := func(name, due, amount string) string {
			return h.mustDo(201, "POST", "/api/records/payment_plan", fmt.Sprintf(`{"name":%q,"contract":%q,"due_date":%q,"amount":%q}`, name, cid, due, amount), asLin...).JSON["id"].(string)
		}
		p1, p2 := plan("Deposit", "2027-01-15", "41580"), plan("Balance", "2027-03-31", "41580")
		h.mustDo(403, "POST", "/api/records/payment", fmt.Sprintf(`{"contract":%q,"plan":%q,"amount":"1000"}`, cid, p1), asLin...) // finance records payments
		pay := func(plan, amount string) {
			h.mustDo(201, "POST", "/api/records/payment", fmt.Sprintf(`{"contract":%q,"plan":%q,"amount":%q,"method":"bank_transfer"}`, cid, plan, amount), asFang...)
		}
		pay(p1, "20000")
		tick()
		// The payment belongs to the contract's owner: the rep and her manager see it.
		for _, who := range [][]string{asLin, asZhou} {
			if got := find("payment", `contract = "`+cid+`"`, who); len(got) != 1 || fmt.Sprint(got[0]["amount"]) != "20000" {
				t.Fatalf("payments of the contract as the rep or her manager: %v", got)
			}
		}
		if got := get("payment_plan", p1, asLin); fmt.Sprint(got["received"]) != "20000" || fmt.Sprint(got["outstanding"]) != "21580" || got["state"] != "partly_paid" {
			t.Fatalf("installment paid in part: %v", got)
		}
		if r := h.mustDo(422, "POST", "/api/records/payment", fmt.Sprintf(`{"contract":%q,"plan":%q,"amount":"5"}`, contracts[0]["account"], p1), asFang...); !strings.Contains(r.Text, "lookup") {
			t.Fatalf("a payment against an account id as contract: %s", r.Text)
		}

		// The deposit is overdue the day after it falls due: the rep, her manager and finance are
		// told once, and the installment is flagged until it is paid.
		overdue := func(who string) int { // signed in again: days pass
			n := 0
			for _, it := range h.mustDo(200, "GET", "/api/notifications", "", h.as(who)...).JSON["items"].([]any) {
				if m := it.(map[string]any); m["record"] == p1 {
					n++
				}
			}
			return n
		}
		clock.Advance(11 * 24 * time.Hour) // 2027-01-15
		tick()
		asLin, asFang = h.as("lin"), h.as("fang")
		if overdue("lin") != 0 || get("payment_plan", p1, asLin)["overdue"] != false {
			t.Fatal("overdue on its due date")
		}
		clock.Advance(2 * 24 * time.Hour)
		tick()
		tick()
		asLin, asFang = h.as("lin"), h.as("fang")
		if overdue("lin") != 1 || overdue("zhou") != 1 || overdue("fang") != 1 {
			t.Errorf("overdue reminders: rep %d, manager %d, finance %d", overdue("lin"), overdue("zhou"), overdue("fang"))
		}
		if get("payment_plan", p1, asLin)["overdue"] != true || get("payment_plan", p2, asLin)["overdue"] != false {
			t.Fatal("overdue flags after the deposit's due date")
		}
		if list := find("payment_plan", `overdue = true`, asFang); len(list) != 1 || list[0]["id"] != p1 {
			t.Fatalf("finance's overdue list: %v", list)
		}
		pay(p1, "21580")
		tick()
		if got := get("payment_plan", p1, asLin); got["state"] != "paid" || fmt.Sprint(got["outstanding"]) != "0" || got["overdue"] != false {
			t.Fatalf("installment paid: %v", got)
		}
		if got := get("contract", cid, asLin); fmt.Sprint(got["received"]) != "41580" || fmt.Sprint(got["outstanding"]) != "41580" || fmt.Sprint(got["planned"]) != "83160" {
			t.Fatalf("contract collections: %v", got)
		}
	})
}
