package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/internal/testenv"
)

// harness is a fresh app over a real backend, served on a loopback port, with an admin and a
// plain user signed in.
type harness struct {
	t          *testing.T
	store      store.Store
	engine     *engine.Engine
	base       string
	adminToken string
	userToken  string
	// legacyGrants: each object made through POST /api/meta/objects is granted to the built-in
	// roles as they reached every object before new objects granted nothing (legacyGrant).
	// The tests written then keep their meaning; tests of grants turn it off.
	legacyGrants bool
}

// serve runs the app on a real listener until the test ends.
func (h *harness) serve(app *fiber.App) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	h.t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	h.base = "http://" + ln.Addr().String()
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t *testing.T, b testenv.Backend) *harness {
	t.Helper()
	st := b.Open(t)
	return newHarnessOn(t, st)
}

func newHarnessOn(t *testing.T, st store.Store) *harness {
	t.Helper()
	return newHarnessWith(t, st, engine.Config{}, api.Config{})
}

// newHarnessWith is newHarnessOn with engine and app settings (a clock, limits, SecureCookie);
// the store, logger and body limit are the harness's own.
func newHarnessWith(t *testing.T, st store.Store, ec engine.Config, ac api.Config) *harness {
	t.Helper()
	ctx := context.Background()
	ec.Store, ec.Logger, ec.Scratch = st, quiet, sqlite.Scratch
	e, err := engine.New(ctx, ec)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: st, engine: e, legacyGrants: true}
	ac.Engine, ac.Logger, ac.BodyLimit = e, quiet, harnessBodyLimit
	h.serve(api.New(ac))
	h.adminToken = h.ensureUser("admin@example.com", []string{engine.RoleAdmin})
	h.userToken = h.ensureUser("rep@example.com", []string{"sales"})
	return h
}

func (h *harness) ensureUser(email string, roles []string) string {
	ctx := context.Background()
	_, err := h.engine.CreateUser(ctx, engine.SystemActor, email, email, "password-123", roles)
	if err != nil {
		if ee, ok := engine.AsError(err); !ok || ee.Code != "user_exists" {
			h.t.Fatal(err)
		}
	}
	tok, _, err := h.engine.Login(ctx, email, "password-123")
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// response is a finished request: status, headers and the body as text and decoded JSON.
type response struct {
	Status int
	Header http.Header
	Text   string
	JSON   map[string]any
}

// do sends a request through the real Fiber app as the admin unless headers say otherwise.
func (h *harness) do(method, url, body string, headers ...string) response {
	h.t.Helper()
	for attempt := 0; ; attempt++ {
		r, err := h.try(method, url, body, headers...)
		// A body over the limit is answered 413 and the connection closed while the client may
		// still be writing it: then the client sees a broken pipe instead of the answer.
		if err != nil && len(body) > harnessBodyLimit && attempt < 5 &&
			(errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)) {
			continue
		}
		if err != nil {
			h.t.Fatalf("%s %s: %v", method, url, err)
		}
		return r
	}
}

// harnessBodyLimit is the harness app's body limit.
const harnessBodyLimit = 256 << 10 // the default template is about 70 KiB

func (h *harness) try(method, url, body string, headers ...string) (response, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.base+url, r)
	if err != nil {
		return response{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+h.adminToken)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := response{Status: resp.StatusCode, Header: resp.Header, Text: string(b)}
	_ = json.Unmarshal(b, &out.JSON)
	if h.legacyGrants && method == "POST" && url == "/api/meta/objects" && out.Status == 201 {
		name, _ := out.JSON["name"].(string)
		h.legacyGrant(name)
	}
	return out, nil
}

// legacyGrant grants an object to the built-in roles as their "every object" grant of earlier
// versions did: create, read and edit of one's own records to sales and support, delete too to
// analysts and managers.
func (h *harness) legacyGrant(object string) {
	ctx := context.Background()
	own := engine.Perm{Create: true, Read: true, Edit: true}
	all := engine.Perm{Create: true, Read: true, Edit: true, Delete: true}
	for role, p := range map[string]engine.Perm{engine.RoleSales: own, engine.RoleSupport: own, engine.RoleAnalyst: all, engine.RoleManager: all} {
		for attempt := 0; ; attempt++ {
			r, err := h.engine.GetRole(ctx, engine.SystemActor, role)
			if err == nil {
				r.Objects[object] = p
				_, err = h.engine.SaveRole(ctx, adminActor, r, false, r.Version)
			}
			if ee, ok := engine.AsError(err); ok && ee.Code == "version_conflict" && attempt < 5 {
				continue
			}
			if err != nil {
				h.t.Fatalf("legacy grant of %s to %s: %v", object, role, err)
			}
			break
		}
	}
}

var adminActor = &engine.Actor{ID: "harness", Roles: []string{engine.RoleAdmin}}

// mustDo is do that fails the test unless the status is the expected one.
func (h *harness) mustDo(status int, method, url, body string, headers ...string) response {
	h.t.Helper()
	r := h.do(method, url, body, headers...)
	if r.Status != status {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, url, r.Status, status, r.Text)
	}
	return r
}

// count is how many records an object has, read straight from the store.
func (h *harness) count(object string) int64 {
	h.t.Helper()
	n, err := h.store.Count(context.Background(), "obj_"+object, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// scenario is one request and what must and must not come of it.
type scenario struct {
	Name               string
	Method, URL, Body  string
	Headers            []string
	ExpectedStatus     int
	ExpectedContent    []string
	NotExpectedContent []string
	Unchanged          func(h *harness) any // read before and after: must be equal (nothing written)
}

func runScenarios(t *testing.T, h *harness, scenarios []scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			h.t = t
			var before any
			if s.Unchanged != nil {
				before = s.Unchanged(h)
			}
			r := h.do(s.Method, s.URL, s.Body, s.Headers...)
			if r.Status != s.ExpectedStatus {
				t.Errorf("status %d, want %d: %s", r.Status, s.ExpectedStatus, r.Text)
			}
			for _, c := range s.ExpectedContent {
				if !strings.Contains(r.Text, c) {
					t.Errorf("body lacks %s: %s", c, r.Text)
				}
			}
			for _, c := range s.NotExpectedContent {
				if strings.Contains(r.Text, c) {
					t.Errorf("body has %s: %s", c, r.Text)
				}
			}
			if s.Unchanged != nil {
				after := s.Unchanged(h)
				a, _ := json.Marshal(before)
				b, _ := json.Marshal(after)
				if string(a) != string(b) {
					t.Errorf("something was written:\nbefore %s\nafter  %s", a, b)
				}
			}
		})
	}
}

// snapshot reads every record of an object, for Unchanged checks.
func snapshot(object string) func(h *harness) any {
	return func(h *harness) any {
		docs, err := h.store.Find(context.Background(), "obj_"+object, store.Query{})
		if err != nil {
			h.t.Fatal(err)
		}
		return docs
	}
}

// leadDef is the object most tests use: eleven field types, a unique email, a lookup.
const accountDef = `{"name":"account","label":{"en":"Account","zh-CN":"客户"},
 "fields":[{"name":"name","type":"text","required":true,"max_length":100,"indexed":true}]}`

const leadDef = `{"name":"lead","label":{"en":"Lead","zh-CN":"线索"},
 "fields":[
  {"name":"company","type":"text","label":{"en":"Company","zh-CN":"公司"},"required":true,"max_length":200},
  {"name":"email","type":"email","unique":true},
  {"name":"amount","type":"currency","currency":"CNY","indexed":true},
  {"name":"probability","type":"percent"},
  {"name":"employees","type":"integer","min":0},
  {"name":"stage","type":"picklist","indexed":true,"options":[
     {"value":"new","label":{"en":"New","zh-CN":"新建"},"color":"blue"},
     {"value":"won","label":{"en":"Won","zh-CN":"赢单"},"color":"green"},
     {"value":"lost","label":{"en":"Lost","zh-CN":"输单"},"color":"red"}]},
  {"name":"tags","type":"multipicklist","options":[{"value":"vip"},{"value":"partner"}]},
  {"name":"hot","type":"boolean"},
  {"name":"close_date","type":"date","indexed":true},
  {"name":"last_contacted_at","type":"datetime"},
  {"name":"website","type":"url"},
  {"name":"phone","type":"phone"},
  {"name":"account","type":"lookup","target":"account"},
  {"name":"ref","type":"autonumber","prefix":"L-","digits":5},
  {"name":"notes","type":"textarea"}],
 "layouts":[{"name":"default","sections":[{"label":{"en":"Basics","zh-CN":"基本信息"},"columns":2,"fields":["company","email","stage","amount"]}]}]}`

// withLead defines account and lead.
func (h *harness) withLead() {
	h.t.Helper()
	h.mustDo(201, "POST", "/api/meta/objects", accountDef)
	h.mustDo(201, "POST", "/api/meta/objects", leadDef)
}

func eachBackend(t *testing.T, f func(t *testing.T, h *harness)) {
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) { f(t, newHarness(t, b)) })
}
