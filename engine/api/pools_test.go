package api_test

import (
	"context"
	"sync"
	"testing"
)

// TestPoolClaimOverHTTP: two reps claim one pool lead at the same moment: one 200 with the lead
// as hers, the other 409 already_claimed in his language; a return needs a reason (422) and
// puts the lead back (owner pool:…), after which the other rep claims it.
func TestPoolClaimOverHTTP(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/roles", `{"name":"claimer","objects":{}}`)
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"prospect","fields":[{"name":"title","type":"text","required":true}],
		 "pools":[{"name":"inbox","label":{"en":"Inbox","zh-CN":"线索池"},"members":{"roles":["claimer"]}}]}`)
		h.mustDo(200, "PUT", "/api/roles/claimer", `{"name":"claimer","objects":{"prospect":{"create":true,"read":true,"edit":true}}}`)
		var auth [2][]string
		for i, email := range []string{"ann@example.com", "bob@example.com"} {
			h.mustDo(201, "POST", "/api/users", `{"email":"`+email+`","password":"password-123","roles":["claimer"]}`)
			tok, _, err := h.engine.Login(context.Background(), email, "password-123")
			if err != nil {
				t.Fatal(err)
			}
			auth[i] = []string{"Authorization", "Bearer " + tok, "Accept-Language", "zh-CN"}
		}
		id := h.create("prospect", `{"title":"From the fair","owner":"pool:inbox"}`)
		h.mustDo(200, "GET", "/api/records/prospect/"+id, "", auth[1]...)

		answers := make([]response, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = h.do("POST", "/api/records/prospect/"+id+"/claim", "", auth[i]...)
			}()
		}
		wg.Wait()
		won := -1
		for i, a := range answers {
			switch {
			case a.Status == 200 && won < 0:
				won = i
			case a.Status == 409 && errorCode(a) == "already_claimed" && errorMessage(a) == "该记录已被他人领取":
			default:
				t.Fatalf("claim %d: %d %v", i, a.Status, a.JSON)
			}
		}
		if won < 0 {
			t.Fatalf("no claim won: %v", answers)
		}
		if answers[won].JSON["owner"] == "pool:inbox" || answers[won].JSON["owner"] == nil {
			t.Errorf("the winner's answer: %v", answers[won].JSON)
		}
		other := auth[1-won]
		h.mustDo(404, "GET", "/api/records/prospect/"+id, "", other...)
		if r := h.do("POST", "/api/records/prospect/"+id+"/return", `{"reason":" "}`, auth[won]...); r.Status != 422 || errorCode(r) != "return_reason_required" {
			t.Errorf("return without a reason: %d %v", r.Status, r.JSON)
		}
		if r := h.do("POST", "/api/records/prospect/"+id+"/return", `{"reason":"wrong region","owner":"x"}`, auth[won]...); r.Status != 400 {
			t.Errorf("return with an unknown key: %d %v", r.Status, r.JSON)
		}
		back := h.mustDo(200, "POST", "/api/records/prospect/"+id+"/return", `{"reason":"wrong region"}`, auth[won]...)
		if back.JSON["owner"] != "pool:inbox" {
			t.Errorf("after the return: %v", back.JSON)
		}
		if n := h.auditActions(id); n["record_claimed"] != 1 || n["record_returned"] != 1 {
			t.Errorf("audit: %v", n)
		}
		h.mustDo(200, "POST", "/api/records/prospect/"+id+"/claim", "", other...)
	})
}

// errorCode and errorMessage are an error answer's code and message.
func errorCode(r response) any {
	e, _ := r.JSON["error"].(map[string]any)
	return e["code"]
}

func errorMessage(r response) any {
	e, _ := r.JSON["error"].(map[string]any)
	return e["message"]
}
