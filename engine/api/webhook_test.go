package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

// apiClock is the engine's clock in these tests: retries come due when the test says so.
type apiClock struct{ ns atomic.Int64 }

func (c *apiClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *apiClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// newClockedHarness is the harness over an engine with a settable clock; the test ticks the
// scheduler itself.
func newClockedHarness(t *testing.T, b testenv.Backend, clock *apiClock) *harness {
	t.Helper()
	clock.ns.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixNano())
	st := b.Open(t)
	e, err := engine.New(context.Background(), engine.Config{Store: st, Logger: quiet, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: st, engine: e, legacyGrants: true}
	h.serve(api.New(api.Config{Engine: e, Logger: quiet, BodyLimit: 64 << 10}))
	h.adminToken = h.ensureUser("admin@example.com", []string{engine.RoleAdmin})
	h.userToken = h.ensureUser("rep@example.com", []string{"sales"})
	return h
}

// hookReceiver answers codes in turn (the last repeats) and checks each signature with the
// secret it is given, recomputing the HMAC itself.
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	secret string
	codes  []int
	ids    []string
	valid  []bool
}

func newHookReceiver(t *testing.T, codes ...int) *hookReceiver {
	r := &hookReceiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
		m := hmac.New(sha256.New, key)
		m.Write([]byte(id + "." + ts + "." + string(body)))
		r.ids = append(r.ids, id)
		r.valid = append(r.valid, len(key) > 0 && req.Header.Get("webhook-signature") == "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
		w.WriteHeader(r.codes[min(len(r.ids), len(r.codes))-1])
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) seen() ([]string, []bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...), append([]bool(nil), r.valid...)
}

func (h *harness) tick() int {
	h.t.Helper()
	n, err := h.engine.Tick(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func TestWebhooksThroughTheAPI(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := &apiClock{}
		h := newClockedHarness(t, b, clock)
		h.withLead()
		ok := newHookReceiver(t, 500, 500, 200)
		down := newHookReceiver(t, 502)
		okURL, _ := url.Parse(ok.URL)
		analyst := h.ensureUser("analyst@example.com", []string{engine.RoleAnalyst})
		user := []string{"Authorization", "Bearer " + h.userToken}
		asAnalyst := []string{"Authorization", "Bearer " + analyst}

		hook := `{"name":"hook","object":"lead","trigger":{"type":"updated"},"actions":[{"type":"webhook","url":"` + ok.URL + `/crm"}]}`
		runScenarios(t, h, []scenario{
			{Name: "loopback refused at save", Method: "POST", URL: "/api/meta/automations", Body: hook, Headers: asAnalyst,
				ExpectedStatus: 422, ExpectedContent: []string{`"pointer":"/actions/0/url","code":"target_not_allowed"`}},
			{Name: "bad url and secret", Method: "POST", URL: "/api/meta/automations", Headers: asAnalyst,
				Body:           `{"name":"bad","object":"lead","trigger":{"type":"created"},"actions":[{"type":"webhook","url":"ftp://x.example"},{"type":"webhook","url":"https://x.example","secret":"nope"}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/actions/0/url","code":"invalid_url"`, `"/actions/1/secret","code":"invalid_secret"`}},
			{Name: "a user may not read the allow-list", Method: "GET", URL: "/api/admin/webhook-allowlist", Headers: user, ExpectedStatus: 403},
			{Name: "an analyst may not change it", Method: "PUT", URL: "/api/admin/webhook-allowlist", Headers: asAnalyst,
				Body: `{"entries":["127.0.0.0/8"]}`, ExpectedStatus: 403},
			{Name: "a bad entry", Method: "PUT", URL: "/api/admin/webhook-allowlist", Body: `{"entries":["127.0.0.1:` + okURL.Port() + `","no such thing"]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"pointer":"/entries/1","code":"invalid_entry"`}},
			{Name: "the admin allows the receivers", Method: "PUT", URL: "/api/admin/webhook-allowlist",
				Body:           `{"entries":["127.0.0.1:` + okURL.Port() + `","` + strings.TrimPrefix(down.URL, "http://") + `"]}`,
				ExpectedStatus: 200, ExpectedContent: []string{`"version":1`}},
			{Name: "deliveries are not for users", Method: "GET", URL: "/api/webhooks/deliveries", Headers: user, ExpectedStatus: 403},
			{Name: "an unknown status", Method: "GET", URL: "/api/webhooks/deliveries?status=lost", ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_status"`}},
		})
		h.t = t

		// Created: the secret shown once; every read masks it.
		r := h.mustDo(201, "POST", "/api/meta/automations", hook, asAnalyst...)
		secret := r.JSON["actions"].([]any)[0].(map[string]any)["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || strings.Contains(secret, "…") {
			t.Fatalf("created secret %q", secret)
		}
		ok.secret = secret
		masked := "whsec_…" + secret[len(secret)-4:]
		for _, path := range []string{"/api/meta/automations", "/api/meta/automations/hook"} {
			r := h.mustDo(200, "GET", path, "", asAnalyst...)
			if strings.Contains(r.Text, secret) || !strings.Contains(r.Text, `"secret":"`+masked+`"`) {
				t.Errorf("GET %s shows: %s", path, r.Text)
			}
		}
		// Saved back with the mask: the stored secret stays (the deliveries below verify with it).
		r = h.mustDo(200, "PUT", "/api/meta/automations/hook", strings.Replace(hook, `"url"`, `"secret":"`+masked+`","url"`, 1), asAnalyst...)
		if strings.Contains(r.Text, secret) {
			t.Errorf("the answer to a save with the mask shows the secret: %s", r.Text)
		}
		h.mustDo(201, "POST", "/api/meta/automations", `{"name":"down","object":"lead","trigger":{"type":"created"},"actions":[{"type":"webhook","url":"`+down.URL+`"}]}`)

		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme","stage":"new"}`, user...)
		id := lead.JSON["id"].(string)
		h.mustDo(200, "PATCH", "/api/records/lead/"+id, `{"stage":"won"}`, user...)

		// Attempts: every tick runs what is due, the clock moves past each backoff.
		for i := 0; i < 8; i++ {
			h.tick()
			clock.Advance(time.Hour)
		}
		ids, valid := ok.seen()
		if len(ids) != 3 || ids[0] != ids[1] || ids[1] != ids[2] || !valid[0] || !valid[1] || !valid[2] {
			t.Fatalf("the receiver saw %v, signatures valid %v", ids, valid)
		}
		r = h.mustDo(200, "GET", "/api/webhooks/deliveries?automation=hook", "", asAnalyst...)
		items := r.JSON["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("deliveries: %s", r.Text)
		}
		d := items[0].(map[string]any)
		if d["id"] != ids[0] || d["status"] != "delivered" || d["attempts"] != 3.0 || d["last_status_code"] != 200.0 || strings.Contains(r.Text, "whsec_") {
			t.Errorf("delivery: %s", r.Text)
		}
		r = h.mustDo(200, "GET", "/api/webhooks/deliveries?status=dead", "")
		if !strings.Contains(r.Text, `"automation":"down"`) || !strings.Contains(r.Text, `"attempts":8`) ||
			!strings.Contains(r.Text, `"last_error":"the receiver answered 502 Bad Gateway"`) || strings.Contains(r.Text, `"automation":"hook"`) {
			t.Errorf("dead deliveries: %s", r.Text)
		}
		deadID := r.JSON["items"].([]any)[0].(map[string]any)["id"].(string)
		r = h.mustDo(200, "GET", "/api/records/lead/"+id+"/runs", "", user...)
		if !strings.Contains(r.Text, `"delivery":{"attempts":3,"id":"`+ids[0]+`","last_status_code":200,"status":"delivered"}`) ||
			!strings.Contains(r.Text, `"status":"dead"`) {
			t.Errorf("runs: %s", r.Text)
		}

		// A dead delivery can be retried; a delivered one cannot.
		h.mustDo(409, "POST", "/api/webhooks/deliveries/"+ids[0]+"/retry", "")
		h.mustDo(404, "POST", "/api/webhooks/deliveries/nope/retry", "")
		h.mustDo(403, "POST", "/api/webhooks/deliveries/"+deadID+"/retry", "", user...)
		r = h.mustDo(200, "POST", "/api/webhooks/deliveries/"+deadID+"/retry", "", asAnalyst...)
		if r.JSON["status"] != "pending" {
			t.Errorf("retried: %s", r.Text)
		}
		h.tick()
		if r := h.mustDo(200, "GET", "/api/webhooks/deliveries/"+deadID, ""); r.JSON["attempts"] != 9.0 || r.JSON["status"] != "failed" {
			t.Errorf("after the retry: %s", r.Text)
		}
		var al struct {
			Entries []string `json:"entries"`
			Version int64    `json:"version"`
		}
		_ = json.Unmarshal([]byte(h.mustDo(200, "GET", "/api/admin/webhook-allowlist", "").Text), &al)
		if len(al.Entries) != 2 || al.Version != 1 {
			t.Errorf("allow-list: %+v", al)
		}
	})
}
