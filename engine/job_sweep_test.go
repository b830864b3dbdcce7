package engine

import (
	"context"
	"testing"
	"time"

	"crm/internal/testenv"
)

// TestSweepExpired: ended sessions and sign-in failures whose window and lockout are over are
// deleted by the sweep; live sessions, counting failures and a lockout still running stay.
func TestSweepExpired(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		member(t, e, "rep@example.com", "")
		count := func(coll string) int64 {
			t.Helper()
			n, err := e.store.Count(ctx, coll, nil)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		old, _, err := e.Login(ctx, "rep@example.com", "correct-horse-rep@example.com")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ { // the fifth locks this email for 15 minutes
			if _, _, err := e.Login(ctx, "locked@example.com", "wrong"); err == nil {
				t.Fatal("a wrong password signed in")
			}
		}
		if _, _, err := e.Login(ctx, "typo@example.com", "wrong"); err == nil {
			t.Fatal("a wrong password signed in")
		}
		failures := count(collLoginThrottle) // the two emails and the client address, if any
		if failures < 2 {
			t.Fatalf("failures kept: %d", failures)
		}

		// Nothing has expired yet.
		if n, err := e.SweepExpired(ctx); err != nil || n != 0 {
			t.Fatalf("sweep at once: %d %v", n, err)
		}
		// 16 minutes on: the window of the typo and the lockout are over; the session lives.
		clock.Advance(16 * time.Minute)
		if n, err := e.SweepExpired(ctx); err != nil || n != int(failures) {
			t.Fatalf("sweep after the window: %d of %d, %v", n, failures, err)
		}
		if count(collLoginThrottle) != 0 || count(collTokens) != 1 {
			t.Fatalf("left: %d failures, %d sessions", count(collLoginThrottle), count(collTokens))
		}
		if _, err := e.Authenticate(ctx, old); err != nil {
			t.Fatalf("a live session was swept: %v", err)
		}

		// A failure that is still counting stays; the session ends after its 7 days.
		if _, _, err := e.Login(ctx, "typo@example.com", "wrong"); err == nil {
			t.Fatal("a wrong password signed in")
		}
		clock.Advance(7*24*time.Hour - 20*time.Minute)
		fresh, _, err := e.Login(ctx, "rep@example.com", "correct-horse-rep@example.com")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Minute) // the first session has ended; the typo's window is over
		if n, err := e.SweepExpired(ctx); err != nil || n != 2 {
			t.Fatalf("sweep after a week: %d, %v", n, err)
		}
		if count(collTokens) != 1 {
			t.Fatalf("sessions left: %d", count(collTokens))
		}
		if _, err := e.Authenticate(ctx, fresh); err != nil {
			t.Fatalf("the fresh session was swept: %v", err)
		}
	})
}
