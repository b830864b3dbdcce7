package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/internal/testenv"
)

// burst sends the sign-ins at once and returns their statuses.
func burst(h *harness, bodies []string) []int {
	statuses := make([]int, len(bodies))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, b := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := h.try("POST", "/api/auth/login", b, "Authorization", "")
			if err != nil {
				statuses[i] = -1
				return
			}
			statuses[i] = r.Status
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

// passwordChecks counts the sign-ins for email whose password was checked, from the audit trail:
// a failure for a wrong password or unknown email, or a success (the harness's own sign-in of a
// user is one). Locked and busy refusals were answered without checking.
func passwordChecks(h *harness, email string) (checks, successes int) {
	h.t.Helper()
	docs, err := h.store.Find(context.Background(), "audit", store.Query{Filter: store.Compare{Field: "email", Op: store.Eq, Value: email}})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, d := range docs {
		switch {
		case d["action"] == "login_succeeded":
			checks++
			successes++
		case d["action"] == "login_failed" && (d["reason"] == "wrong_password" || d["reason"] == "unknown_email" || d["reason"] == "inactive"):
			checks++
		}
	}
	return checks, successes
}

// TestLoginBurstChecksNoMoreThanTheLimit: a burst of sign-ins at one account checks at most
// MaxFailures passwords, on every backend (the attempt is counted in the store before its hash),
// and once the limit is spent the right password does not sign in.
func TestLoginBurstChecksNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarnessWith(t, b.Open(t), engine.Config{LoginLimits: engine.LoginLimits{ConcurrentHashes: 64}}, api.Config{})
		const max = 5 // the default per email

		wrong := make([]string, 60)
		for i := range wrong {
			wrong[i] = loginBody("rep@example.com", fmt.Sprintf("wrong-password-%d", i))
		}
		statuses := burst(h, wrong)
		if checks, _ := passwordChecks(h, "rep@example.com"); checks-1 > max {
			t.Fatalf("a burst of 60 checked %d passwords, at most %d may be (statuses %v)", checks, max, statuses)
		}
		var after []string
		for i := 0; i < 2*max; i++ { // spend what the burst left, if anything
			r := h.do("POST", "/api/auth/login", wrong[0], "Authorization", "")
			after = append(after, r.Text)
			if r.Status == 429 {
				break
			}
		}
		if checks, _ := passwordChecks(h, "rep@example.com"); checks-1 != max {
			t.Logf("burst %v, then %v", statuses, after)
			t.Fatalf("%d passwords checked before the lock, want %d", checks-1, max)
		}
		if r := h.do("POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", ""); r.Status != 429 {
			t.Fatalf("the right password after the limit was spent: %d %s", r.Status, r.Text)
		}

		// The right password hidden in a burst of wrong ones signs in only as one of the checked
		// few. A success forgets the email's failures (its owner is in), so the rest of the burst
		// may spend a fresh limit after it, but no more.
		h.ensureUser("rep2@example.com", []string{"sales"})
		mixed := make([]string, 60)
		for i := range mixed {
			mixed[i] = loginBody("rep2@example.com", fmt.Sprintf("wrong-password-%d", i))
		}
		mixed[40] = loginBody("rep2@example.com", "password-123")
		statuses = burst(h, mixed)
		checks, successes := passwordChecks(h, "rep2@example.com")
		checks, successes = checks-1, successes-1 // ensureUser signed in once before the burst
		failures := checks - successes
		if successes > 1 || (statuses[40] == 200) != (successes == 1) || failures > max*(1+successes) {
			t.Fatalf("mixed burst: %d failures checked, %d successes, the right password answered %d", failures, successes, statuses[40])
		}
	})
}

// TestLoginBurstFromOneAddress: one address trying many emails at once checks at most its limit.
func TestLoginBurstFromOneAddress(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{LoginLimits: engine.LoginLimits{MaxIPFailures: 10, ConcurrentHashes: 64}}, api.Config{})
	bodies := make([]string, 60)
	for i := range bodies {
		bodies[i] = loginBody(fmt.Sprintf("guess%d@example.com", i), "password-123")
	}
	burst(h, bodies)
	checks := 0
	for i := range bodies {
		c, _ := passwordChecks(h, fmt.Sprintf("guess%d@example.com", i))
		checks += c
	}
	if checks > 10 {
		t.Fatalf("one address checked %d passwords at once, at most 10 may be", checks)
	}
	if r := h.do("POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", ""); r.Status != 429 {
		t.Fatalf("address not locked after its limit: %d %s", r.Status, r.Text)
	}
}

// TestLoginHashingIsBounded: sign-ins over the hashing bound are refused at once with 429 and
// Retry-After, unhashed, and give their attempt back (a later right password signs in).
func TestLoginHashingIsBounded(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{LoginLimits: engine.LoginLimits{ConcurrentHashes: 1, MaxFailures: 100}}, api.Config{})
	bodies := make([]string, 40)
	for i := range bodies {
		bodies[i] = loginBody("rep@example.com", fmt.Sprintf("wrong-password-%d", i))
	}
	statuses := burst(h, bodies)
	busy := 0
	for _, s := range statuses {
		if s == 429 {
			busy++
		} else if s != 401 {
			t.Fatalf("status %d in %v", s, statuses)
		}
	}
	checks, _ := passwordChecks(h, "rep@example.com")
	if busy == 0 || checks+busy != len(bodies)+1 { // +1: ensureUser's sign-in
		t.Fatalf("%d refused busy, %d checked of %d: %v", busy, checks-1, len(bodies), statuses)
	}
	h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "")
}
