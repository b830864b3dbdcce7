package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"crm/internal/testenv"
	"crm/workflow"
)

// receiver is a real HTTP endpoint on loopback that records every request and verifies its
// signature itself (HMAC recomputed here, not with the engine's code).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	codes  []int // answers in turn; the last one repeats
	got    []received
}

type received struct {
	id, timestamp, signature string
	body                     []byte
	valid                    bool
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		rec := received{id: req.Header.Get("webhook-id"), timestamp: req.Header.Get("webhook-timestamp"),
			signature: req.Header.Get("webhook-signature"), body: body}
		if key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_")); err == nil && len(key) > 0 {
			m := hmac.New(sha256.New, key)
			m.Write([]byte(rec.id + "." + rec.timestamp + "." + string(body)))
			rec.valid = hmac.Equal([]byte(rec.signature), []byte("v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil))))
		}
		r.got = append(r.got, rec)
		code := r.codes[min(len(r.got), len(r.codes))-1]
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) port(t *testing.T) string {
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

func webhookAutomation(name, trigger, target string) *workflow.Automation {
	return &workflow.Automation{Name: name, Object: "lead", Trigger: workflow.Trigger{Type: trigger},
		Actions: []workflow.Action{{Type: workflow.ActionWebhook, URL: target}}}
}

func delivery(t *testing.T, e *Engine, id string) *Delivery {
	t.Helper()
	d, err := e.GetDelivery(context.Background(), SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func problemCodes(err error) string {
	ee, ok := AsError(err)
	if !ok {
		return fmt.Sprint(err)
	}
	var out []string
	for _, p := range ee.Problems {
		out = append(out, p.Pointer+"="+p.Code)
	}
	return strings.Join(out, ",")
}

// TestWebhookRetriedUntilDelivered: the receiver answers 500 twice, then 200. Three attempts
// carry the same webhook-id and a valid signature over the same body, each with the clock's time;
// the waits between them double; the delivery ends delivered after 3 attempts, and re-running the
// same action queues nothing more.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef)
		rcv := newReceiver(t, 500, 500, 200)

		// Loopback is refused at save until an admin allows it.
		a := webhookAutomation("hook", workflow.TriggerUpdated, rcv.URL+"/crm")
		_, err := e.SaveAutomation(ctx, SystemActor, a, true, 0)
		if got := problemCodes(err); got != "/actions/0/url=target_not_allowed" {
			t.Fatalf("save without the allow-list: %s", got)
		}
		if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"127.0.0.1:" + rcv.port(t)}, 0); err != nil {
			t.Fatal(err)
		}
		a = webhookAutomation("hook", workflow.TriggerUpdated, rcv.URL+"/crm")
		saved, err := e.SaveAutomation(ctx, SystemActor, a, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		secret := saved.Actions[0].Secret
		if key, err := workflow.DecodeSecret(secret); err != nil || len(key) != webhookSecretBytes {
			t.Fatalf("generated secret %q: %v", secret, err)
		}
		rcv.secret = secret
		if got, _ := e.GetAutomation(ctx, SystemActor, "hook"); got.Actions[0].Secret != workflow.MaskSecret(secret) {
			t.Errorf("a read shows the secret as %q", got.Actions[0].Secret)
		}

		lead, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme", "status": "new"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := lead["id"].(string)
		if _, err := e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"status": "contacted"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		ds, err := e.ListDeliveries(ctx, SystemActor, "hook", "", 0)
		if err != nil || len(ds) != 1 || ds[0].Status != deliveryPending {
			t.Fatalf("deliveries after the update: %+v %v", ds, err)
		}
		did := ds[0].ID

		var attemptedAt []time.Time
		var readyAt []string
		for attempt := 1; attempt <= 3; attempt++ {
			attemptedAt = append(attemptedAt, clock.Now())
			if n, err := e.Tick(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: tick ran %d jobs: %v", attempt, n, err)
			}
			if len(rcv.requests()) != attempt {
				t.Fatalf("attempt %d: the receiver saw %d requests", attempt, len(rcv.requests()))
			}
			d := delivery(t, e, did)
			if d.Attempts != int64(attempt) {
				t.Errorf("attempt %d: delivery says %d attempts", attempt, d.Attempts)
			}
			if attempt == 3 {
				break
			}
			if d.Status != deliveryFailed || d.LastStatusCode != 500 || !strings.Contains(d.LastError, "500") {
				t.Errorf("attempt %d: delivery %+v", attempt, d)
			}
			jd, err := e.store.Get(ctx, collJobs, did)
			if err != nil {
				t.Fatal(err)
			}
			readyAt = append(readyAt, jd["ready_at"].(string))
			if d.NextAttemptAt != readyAt[attempt-1] {
				t.Errorf("delivery's next attempt %s, job's %s", d.NextAttemptAt, readyAt[attempt-1])
			}
			if n, _ := e.Tick(ctx); n != 0 {
				t.Fatalf("a retry ran before its time")
			}
			due, _ := time.Parse(time.RFC3339, readyAt[attempt-1])
			clock.Advance(due.Sub(clock.Now()))
		}
		// Waits of 5 s, then 10 s: exponential.
		for i, want := range []time.Duration{5 * time.Second, 10 * time.Second} {
			due, _ := time.Parse(time.RFC3339, readyAt[i])
			if got := due.Sub(attemptedAt[i]); got != want {
				t.Errorf("wait after attempt %d: %v, want %v", i+1, got, want)
			}
		}
		d := delivery(t, e, did)
		if d.Status != deliveryDelivered || d.Attempts != 3 || d.LastStatusCode != 200 || d.DeliveredAt != stamp(attemptedAt[2]) || d.LastError != "" {
			t.Errorf("delivered: %+v", d)
		}
		if n := countDocs(t, e, collJobs, nil); n != 0 {
			t.Errorf("%d jobs left after the delivery", n)
		}
		reqs := rcv.requests()
		for i, r := range reqs {
			if r.id != did || !r.valid || string(r.body) != string(reqs[0].body) {
				t.Errorf("request %d: id %s (want %s), valid signature %v", i+1, r.id, did, r.valid)
			}
			if r.timestamp != strconv.FormatInt(attemptedAt[i].Unix(), 10) {
				t.Errorf("request %d: webhook-timestamp %s, want the clock's %d", i+1, r.timestamp, attemptedAt[i].Unix())
			}
		}
		var body struct {
			Type, Timestamp string
			Data            struct {
				Object, Automation string
				Record             map[string]any
				Changes            map[string]struct{ Old, New any }
			}
		}
		if err := json.Unmarshal(reqs[0].body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Type != "record.updated" || body.Data.Object != "lead" || body.Data.Automation != "hook" ||
			body.Data.Record["id"] != id || body.Data.Record["company"] != "Acme" || body.Data.Record["status"] != "contacted" ||
			len(body.Data.Changes) != 1 || body.Data.Changes["status"].Old != "new" || body.Data.Changes["status"].New != "contacted" {
			t.Errorf("body: %s", reqs[0].body)
		}
		runs, err := e.RecordRuns(ctx, SystemActor, "lead", id)
		if err != nil || len(runs) != 1 {
			t.Fatalf("runs: %v %v", runs, err)
		}
		entry := runs[0]["actions"].([]any)[0].(map[string]any)
		if dl, _ := entry["delivery"].(map[string]any); dl["id"] != did || dl["status"] != deliveryDelivered || dl["attempts"] != int64(3) {
			t.Errorf("run log entry: %v", entry)
		}

		// The same run again (a crash after the action): one delivery, nothing sent twice.
		set, _ := e.automations(ctx)
		def, _ := e.current(ctx, "lead")
		doc, _ := e.store.Get(ctx, "obj_lead", id)
		for i := 0; i < 2; i++ {
			if err := e.runAutomation(ctx, set.byObject["lead"][0], def, id, doc, nil, workflow.TriggerManual, "replayed"); err != nil {
				t.Fatal(err)
			}
		}
		e.Tick(ctx)
		e.Tick(ctx)
		if n := countDocs(t, e, collDeliveries, nil); n != 2 {
			t.Errorf("%d deliveries after running one action twice, want 2 in all", n)
		}
		if n := len(rcv.requests()); n != 4 {
			t.Errorf("%d requests after running one action twice, want 4 in all", n)
		}
	})
}

// TestWebhookDeadAfterMaxAttempts: a receiver that always fails gets 8 attempts, then the
// delivery is dead with the reason; a retry gives it new attempts.
func TestWebhookDeadAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef)
		rcv := newReceiver(t, 503)
		if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"127.0.0.0/8"}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SaveAutomation(ctx, SystemActor, webhookAutomation("down", workflow.TriggerCreated, rcv.URL), true, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < webhookMaxAttempts; i++ {
			if n, err := e.Tick(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: tick ran %d: %v", i+1, n, err)
			}
			clock.Advance(time.Hour) // past any backoff
		}
		e.Tick(ctx)
		if n := len(rcv.requests()); n != webhookMaxAttempts {
			t.Fatalf("%d attempts, want %d", n, webhookMaxAttempts)
		}
		dead, err := e.ListDeliveries(ctx, SystemActor, "down", deliveryDead, 0)
		if err != nil || len(dead) != 1 {
			t.Fatalf("dead deliveries: %+v %v", dead, err)
		}
		d := dead[0]
		if d.Attempts != webhookMaxAttempts || d.LastStatusCode != 503 || !strings.Contains(d.LastError, "503") || d.NextAttemptAt != "" {
			t.Errorf("dead delivery: %+v", d)
		}
		jobs, _ := e.ListJobs(ctx, SystemActor, jobDead, 0)
		if len(jobs) != 1 || jobs[0].ID != d.ID {
			t.Errorf("dead jobs: %+v", jobs)
		}
		if _, err := e.RetryDelivery(ctx, SystemActor, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.RetryDelivery(ctx, SystemActor, d.ID); err == nil || !strings.Contains(err.Error(), "delivery_not_dead") {
			t.Errorf("retry of a pending delivery: %v", err)
		}
		e.Tick(ctx)
		if d := delivery(t, e, d.ID); d.Status != deliveryFailed || d.Attempts != webhookMaxAttempts+1 || len(rcv.requests()) != webhookMaxAttempts+1 {
			t.Errorf("after a retry: %+v, %d requests", d, len(rcv.requests()))
		}
	})
}

// TestWebhookGuardAtDialTime: a host name is not judged at save but where it connects: localhost
// resolves to loopback and is refused at once (dead after one attempt, nothing sent) until the
// allow-list names it.
func TestWebhookGuardAtDialTime(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef)
		rcv := newReceiver(t, 204)
		other := newReceiver(t, 204)
		// Another loopback port is allowed: it must not open this one.
		if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"127.0.0.1:" + other.port(t)}, 0); err != nil {
			t.Fatal(err)
		}
		target := "http://localhost:" + rcv.port(t) + "/hook"
		if _, err := e.SaveAutomation(ctx, SystemActor, webhookAutomation("local", workflow.TriggerCreated, target), true, 0); err != nil {
			t.Fatalf("a host name is judged when it connects, not at save: %v", err)
		}
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en"); err != nil {
			t.Fatal(err)
		}
		e.Tick(ctx)
		ds, _ := e.ListDeliveries(ctx, SystemActor, "local", "", 0)
		if len(ds) != 1 || ds[0].Status != deliveryDead || ds[0].Attempts != 1 || !strings.Contains(ds[0].LastError, "target_not_allowed") {
			t.Fatalf("delivery to localhost: %+v", ds)
		}
		if n := len(rcv.requests()); n != 0 {
			t.Fatalf("the guarded target received %d requests", n)
		}
		if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"127.0.0.1:" + other.port(t), "localhost:" + rcv.port(t)}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.RetryDelivery(ctx, SystemActor, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		e.Tick(ctx)
		if d := delivery(t, e, ds[0].ID); d.Status != deliveryDelivered || len(rcv.requests()) != 1 {
			t.Errorf("after allowing localhost: %+v, %d requests", d, len(rcv.requests()))
		}
	})
}

// TestWebhookSecretsAtSave: the secret is made when missing, kept when the masked value comes
// back, replaced when a new one is given, and refused when malformed; every read masks it.
func TestWebhookSecretsAtSave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
	mustDefine(t, e, followLeadDef)
	a := webhookAutomation("hook", workflow.TriggerCreated, "https://hooks.example.com/crm")
	created, err := e.SaveAutomation(ctx, SystemActor, a, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	first := created.Actions[0].Secret
	stored := func() string {
		got, err := e.getAutomation(ctx, "hook")
		if err != nil {
			t.Fatal(err)
		}
		return got.Actions[0].Secret
	}
	if stored() != first || workflow.IsMaskedSecret(first) {
		t.Fatalf("created with %q, stored %q", first, stored())
	}
	list, _ := e.ListAutomations(ctx, SystemActor, "lead")
	if list[0].Actions[0].Secret != workflow.MaskSecret(first) {
		t.Errorf("the list shows %q", list[0].Actions[0].Secret)
	}
	// Saved back as read: the secret stays, and the answer shows it masked.
	back := webhookAutomation("hook", workflow.TriggerCreated, "https://hooks.example.com/v2")
	back.Actions[0].Secret = workflow.MaskSecret(first)
	saved, err := e.SaveAutomation(ctx, SystemActor, back, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if stored() != first || saved.Actions[0].Secret != workflow.MaskSecret(first) {
		t.Errorf("after saving the masked value: stored %q, answered %q", stored(), saved.Actions[0].Secret)
	}
	// A mask of another secret, a malformed secret, a bad URL: refused, nothing changes.
	bad := webhookAutomation("hook", workflow.TriggerCreated, "ftp://hooks.example.com")
	bad.Actions = append(bad.Actions, workflow.Action{Type: workflow.ActionWebhook, URL: "https://10.0.0.8/x", Secret: "whsec_…zzzz"},
		workflow.Action{Type: workflow.ActionWebhook, URL: "https://user:pw@example.com/", Secret: "whsec_short"})
	_, err = e.SaveAutomation(ctx, SystemActor, bad, false, 0)
	// The address outside the allow-list in the same answer as the rest (one round, issue 19).
	if got := problemCodes(err); got != "/actions/0/url=invalid_url,/actions/1/secret=invalid_secret,/actions/2/secret=invalid_secret,/actions/2/url=invalid_url,/actions/1/url=target_not_allowed" {
		t.Errorf("problems: %s", got)
	}
	if stored() != first {
		t.Error("a refused save changed the secret")
	}
	// A literal private address, with every other problem fixed.
	private := webhookAutomation("hook", workflow.TriggerCreated, "https://10.0.0.8/x")
	if _, err := e.SaveAutomation(ctx, SystemActor, private, false, 0); problemCodes(err) != "/actions/0/url=target_not_allowed" {
		t.Errorf("private target: %v", err)
	}
	// A new secret given: kept and echoed once; an empty one: a new secret made.
	mine := workflow.EncodeSecret([]byte(strings.Repeat("k", 24)))
	given := webhookAutomation("hook", workflow.TriggerCreated, "https://hooks.example.com/crm")
	given.Actions[0].Secret = mine
	if saved, err := e.SaveAutomation(ctx, SystemActor, given, false, 0); err != nil || saved.Actions[0].Secret != mine || stored() != mine {
		t.Errorf("given secret: %v %v", saved, err)
	}
	rotated, err := e.SaveAutomation(ctx, SystemActor, webhookAutomation("hook", workflow.TriggerCreated, "https://hooks.example.com/crm"), false, 0)
	if err != nil || rotated.Actions[0].Secret == mine || stored() != rotated.Actions[0].Secret {
		t.Errorf("rotated: %v %v", rotated, err)
	}
	// The allow-list is for admins, and checks its entries.
	analyst := &Actor{ID: "u_an", Roles: []string{RoleAnalyst}}
	if _, err := e.SetWebhookAllowList(ctx, analyst, []string{"10.0.0.0/8"}, 0); err != ErrForbidden {
		t.Errorf("an analyst changed the allow-list: %v", err)
	}
	if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"10.0.0.0/8", "bad entry"}, 0); problemCodes(err) != "/entries/1=invalid_entry" {
		t.Errorf("bad entry: %v", err)
	}
}

// TestSLAWebhookSecrets: an SLA escalation's webhook gets the same secret handling and target
// check as an automation's.
func TestSLAWebhookSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
	mustDefine(t, e, slaTicketDef)
	var cal workflow.Calendar
	if err := json.Unmarshal([]byte(officeCalendar), &cal); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveCalendar(ctx, SystemActor, &cal, true, 0); err != nil {
		t.Fatal(err)
	}
	policy := func(target, secret string) *workflow.SLAPolicy {
		var p workflow.SLAPolicy
		src := `{"name":"std","object":"ticket","calendar":"office",
		 "metrics":[{"name":"first_response","target":"4h","stop_when":"first_response_at != nil"}],
		 "escalations":[{"metric":"first_response","after":"0m","actions":[{"type":"webhook","url":"` + target + `","secret":"` + secret + `"}]}]}`
		if err := json.Unmarshal([]byte(src), &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	saved, err := e.SaveSLAPolicy(ctx, SystemActor, policy("https://hooks.example.com/sla", ""), true, 0)
	if err != nil {
		t.Fatal(err)
	}
	secret := saved.Escalations[0].Actions[0].Secret
	if _, err := workflow.DecodeSecret(secret); err != nil {
		t.Fatalf("made secret %q: %v", secret, err)
	}
	got, _ := e.GetSLAPolicy(ctx, SystemActor, "std")
	list, _ := e.ListSLAPolicies(ctx, SystemActor, "")
	if got.Escalations[0].Actions[0].Secret != workflow.MaskSecret(secret) || list[0].Escalations[0].Actions[0].Secret != workflow.MaskSecret(secret) {
		t.Errorf("reads show %q and %q", got.Escalations[0].Actions[0].Secret, list[0].Escalations[0].Actions[0].Secret)
	}
	if _, err := e.SaveSLAPolicy(ctx, SystemActor, policy("https://hooks.example.com/v2", workflow.MaskSecret(secret)), false, 0); err != nil {
		t.Fatal(err)
	}
	if stored, _ := e.getSLAPolicy(ctx, "std"); stored.Escalations[0].Actions[0].Secret != secret {
		t.Errorf("saving the mask back changed the secret to %q", stored.Escalations[0].Actions[0].Secret)
	}
	_, err = e.SaveSLAPolicy(ctx, SystemActor, policy("http://192.168.1.10/sla", ""), false, 0)
	if got := problemCodes(err); got != "/escalations/0/actions/0/url=target_not_allowed" {
		t.Errorf("private target: %s", got)
	}
}

// TestWebhookRedirectNotFollowed: a receiver that redirects (here to another allowed receiver)
// gets a failed attempt, and the redirect's target nothing.
func TestWebhookRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	e := engines(t, testenv.Backends()[0], 1, clock)[0]
	mustDefine(t, e, followLeadDef)
	target := newReceiver(t, 200)
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	if _, err := e.SetWebhookAllowList(ctx, SystemActor, []string{"127.0.0.0/8"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveAutomation(ctx, SystemActor, webhookAutomation("moved", workflow.TriggerCreated, redirect.URL), true, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en"); err != nil {
		t.Fatal(err)
	}
	e.Tick(ctx)
	ds, _ := e.ListDeliveries(ctx, SystemActor, "moved", "", 0)
	if len(ds) != 1 || ds[0].Status != deliveryFailed || ds[0].LastStatusCode != 302 || !strings.Contains(ds[0].LastError, "redirects are not followed") {
		t.Errorf("delivery: %+v", ds)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("the redirect was followed: %d requests", n)
	}
}
