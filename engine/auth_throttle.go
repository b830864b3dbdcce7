package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// collLoginThrottle holds failed sign-ins per email and per client address, so that a lockout
// holds across engine processes and restarts. One small document per key.
const collLoginThrottle = "login_throttle"

// LoginLimits bounds password guessing: after MaxFailures failed sign-ins for one email within
// Window, that email is locked for Lockout, whatever password comes next; the same holds for one
// client address with MaxIPFailures (higher: an office shares one address).
type LoginLimits struct {
	MaxFailures   int           // 0: 5
	MaxIPFailures int           // 0: 50
	Window        time.Duration // 0: 15 min
	Lockout       time.Duration // 0: 15 min
}

func (l LoginLimits) withDefaults() LoginLimits {
	if l.MaxFailures == 0 {
		l.MaxFailures = 5
	}
	if l.MaxIPFailures == 0 {
		l.MaxIPFailures = 50
	}
	if l.Window == 0 {
		l.Window = 15 * time.Minute
	}
	if l.Lockout == 0 {
		l.Lockout = 15 * time.Minute
	}
	return l
}

// throttle is the state of one key: failures counted since FirstAt, and a lockout.
type throttle struct {
	Failures    int64
	FirstAt     time.Time
	LockedUntil time.Time
}

// lockedFor is how long the key stays locked at now; 0 when it is free.
func (t throttle) lockedFor(now time.Time) time.Duration {
	if now.Before(t.LockedUntil) {
		return t.LockedUntil.Sub(now)
	}
	return 0
}

// failed is the state after one more failure at now: a failure outside the window starts a new
// count, and the max-th failure inside it locks the key (and starts the count afresh for after).
func (t throttle) failed(now time.Time, max int64, window, lockout time.Duration) throttle {
	if t.FirstAt.IsZero() || !now.Before(t.FirstAt.Add(window)) {
		t.Failures, t.FirstAt = 0, now
	}
	t.Failures++
	if t.Failures >= max {
		return throttle{LockedUntil: now.Add(lockout)}
	}
	return t
}

// expiresAt is when the state means nothing any more: its window and its lockout are over.
func (t throttle) expiresAt(window time.Duration) time.Time {
	end := t.LockedUntil
	if !t.FirstAt.IsZero() && t.FirstAt.Add(window).After(end) {
		end = t.FirstAt.Add(window)
	}
	return end
}

func throttleFromDoc(d store.Doc) throttle {
	var t throttle
	t.Failures, _ = d["failures"].(int64)
	t.FirstAt = parseStamp(d["first_at"])
	t.LockedUntil = parseStamp(d["locked_until"])
	return t
}

func parseStamp(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(forms.TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func stampOf(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(forms.TimeLayout)
}

// throttleKeys are the documents a sign-in for this email from this address counts against.
func throttleKeys(email, ip string) (emailKey, ipKey string) {
	emailKey = "email:" + email
	if ip != "" {
		ipKey = "ip:" + ip
	}
	return
}

// checkThrottle answers too_many_attempts while the key is locked.
func (e *Engine) checkThrottle(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	d, err := e.store.Get(ctx, collLoginThrottle, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	if wait := throttleFromDoc(d).lockedFor(e.now()); wait > 0 {
		return tooManyAttempts(wait)
	}
	return nil
}

func tooManyAttempts(wait time.Duration) *Error {
	secs := int64((wait + time.Second - 1) / time.Second)
	return &Error{Kind: KindTooMany, Code: "too_many_attempts", RetryAfter: wait,
		Message: fmt.Sprintf("too many failed sign-ins; try again in %d minute(s)", (secs+59)/60),
		Details: map[string]any{"retry_after": secs}}
}

// recordFailure counts one failure against the key, with a compare-and-set so that engine
// processes failing the same key at once all count.
func (e *Engine) recordFailure(ctx context.Context, key string, max int) error {
	if key == "" {
		return nil
	}
	l := e.loginLimits
	for try := 0; try < 8; try++ {
		d, err := e.store.Get(ctx, collLoginThrottle, key)
		var version int64
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return storeErr(err)
		default:
			version, _ = d["version"].(int64)
		}
		t := throttleFromDoc(d).failed(e.now(), int64(max), l.Window, l.Lockout)
		doc := store.Doc{"id": key, "failures": t.Failures, "first_at": stampOf(t.FirstAt), "locked_until": stampOf(t.LockedUntil),
			"expires_at": stampOf(t.expiresAt(l.Window))}
		for k, v := range doc {
			if v == nil {
				delete(doc, k)
			}
		}
		if version == 0 {
			err = e.store.Insert(ctx, collLoginThrottle, doc)
		} else {
			err = e.store.Replace(ctx, collLoginThrottle, doc, version)
		}
		if errors.Is(err, store.ErrDuplicateID) || errors.Is(err, store.ErrVersionConflict) || errors.Is(err, store.ErrNotFound) {
			continue // another process counted at the same moment: count on top of it
		}
		return storeErr(err)
	}
	return errorf(KindUnavailable, "database_unavailable", "sign-in attempts could not be counted; try again")
}

// clearFailures forgets the failures of a key after a successful sign-in.
func (e *Engine) clearFailures(ctx context.Context, key string) {
	if err := e.store.Delete(ctx, collLoginThrottle, key, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Error("sign-in failures not cleared", "key", key, "err", err)
	}
}
