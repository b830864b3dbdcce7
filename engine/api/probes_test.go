package api_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/metrics"
	"crm/internal/testenv"
)

// TestProbes: /livez answers while the process runs; /readyz says why it should get no traffic
// (the database, the scheduler) with a 503.
func TestProbes(t *testing.T) {
	t.Parallel()
	st := testenv.OpenSQLite(t)
	schedulerErr := error(nil)
	h := newHarnessWith(t, st, engine.Config{}, api.Config{Ready: func(context.Context) error { return schedulerErr }})

	live := h.mustDo(200, "GET", "/livez", "", "Authorization", "")
	if live.JSON["status"] != "ok" {
		t.Errorf("/livez: %s", live.Text)
	}
	ready := h.mustDo(200, "GET", "/readyz", "", "Authorization", "")
	if ready.JSON["status"] != "ok" {
		t.Errorf("/readyz: %s", ready.Text)
	}

	schedulerErr = errors.New("scheduler not running")
	r := h.mustDo(503, "GET", "/readyz", "", "Authorization", "")
	if r.JSON["reason"] != "scheduler not running" {
		t.Errorf("/readyz with the scheduler stopped: %s", r.Text)
	}
	schedulerErr = nil

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	r = h.mustDo(503, "GET", "/readyz", "", "Authorization", "")
	if reason, _ := r.JSON["reason"].(string); !strings.HasPrefix(reason, "database unreachable") {
		t.Errorf("/readyz with the database closed: %s", r.Text)
	}
	h.mustDo(200, "GET", "/livez", "", "Authorization", "") // alive all the same
}

// TestMetrics: /metrics is Prometheus text with requests by route pattern (never by path),
// database calls, sign-in failures, due jobs and the Go runtime; a token closes it.
func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := metrics.New()
	st := reg.Store(testenv.OpenSQLite(t))
	h := newHarnessWith(t, st, engine.Config{}, api.Config{Metrics: reg, MetricsToken: "scrape-secret"})

	h.mustDo(401, "GET", "/metrics", "", "Authorization", "")
	h.mustDo(401, "GET", "/metrics", "", "Authorization", "Bearer wrong")
	before := h.scrape()

	h.mustDo(201, "POST", "/api/meta/objects", `{"name":"note","fields":[{"name":"text","type":"text"}]}`)
	id := h.mustDo(201, "POST", "/api/records/note", `{"text":"Ada"}`).JSON["id"].(string)
	h.mustDo(200, "GET", "/api/records/note/"+id, "")
	h.mustDo(401, "POST", "/api/auth/login", `{"email":"admin@example.com","password":"wrong-password"}`, "Authorization", "")

	after := h.scrape()
	if got := value(after, `crm_http_requests_total{method="GET",route="/api/records/:object/:id",status="200"}`); got != 1 {
		t.Errorf("GET by id counted %v times under its pattern\n%s", got, grep(after, "crm_http_requests_total"))
	}
	if strings.Contains(after, id) {
		t.Errorf("a record id became a label")
	}
	if d := value(after, "crm_signin_failures_total") - value(before, "crm_signin_failures_total"); d != 1 {
		t.Errorf("sign-in failures grew by %v, want 1", d)
	}
	if value(after, `crm_store_call_duration_seconds_count{op="insert",outcome="ok"}`) < 1 {
		t.Errorf("no timed insert:\n%s", grep(after, "crm_store_call"))
	}
	for _, name := range []string{"crm_jobs_due", "crm_scheduler_lag_seconds", "crm_jobs_dead", `crm_outbox_messages{outbox="webhook",status="failed"}`,
		`crm_outbox_messages{outbox="email",status="dead"}`,
		"go_goroutines", "crm_http_request_duration_seconds_bucket"} {
		if !strings.Contains(after, name) {
			t.Errorf("no %s in /metrics", name)
		}
	}
	// The record's create enqueued its event job, due now: the scrape sees it or it already ran.
	if value(after, "crm_ops_scrape_error") != 0 {
		t.Errorf("the jobs and outboxes were not read: %s", grep(after, "crm_ops"))
	}
}

func (h *harness) scrape() string {
	h.t.Helper()
	return h.mustDo(200, "GET", "/metrics", "", "Authorization", "Bearer scrape-secret").Text
}

// value reads one sample of the text format (0 when absent).
func value(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return 0
}

func grep(text, prefix string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

var appPath = regexp.MustCompile(`<Route\s+path="/([^/"*:]*)`)

// TestAppRoutesServed: every top-level route of the UI's router is a deep link the server
// answers with the app; a route added to App.tsx without the server knowing would be a 404.
func TestAppRoutesServed(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../builder-ui/src/App.tsx")
	if err != nil {
		t.Fatal(err)
	}
	var firsts []string
	for _, m := range appPath.FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(firsts, m[1]) {
			firsts = append(firsts, m[1])
		}
	}
	if len(firsts) < 5 {
		t.Fatalf("found only %v in App.tsx: has the router moved?", firsts)
	}
	h := newHarnessOn(t, testenv.OpenSQLite(t))
	for _, f := range firsts {
		r := h.mustDo(200, "GET", "/"+f, "", "Authorization", "")
		if !strings.Contains(r.Text, `<div id="root">`) {
			t.Errorf("/%s is a route of the app but not served as one", f)
		}
	}
}
