package engine

import (
	"context"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
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
	// ConcurrentHashes bounds the password hashes running at once (each takes 19 MiB); a sign-in
	// over it is refused at once. 0: the number of CPUs, at least 2.
	ConcurrentHashes int
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

// throttleFromDoc decodes a key's stored state (nil: none yet) and its version.
func throttleFromDoc(d store.Doc) (throttle, int64, error) {
	var stored struct {
		Failures    int64  `json:"failures"`
		FirstAt     string `json:"first_at"`
		LockedUntil string `json:"locked_until"`
		Version     int64  `json:"version"`
	}
	if err := decodeDoc(collLoginThrottle, d, &stored); err != nil {
		return throttle{}, 0, err
	}
	return throttle{Failures: stored.Failures, FirstAt: parseStamp(stored.FirstAt), LockedUntil: parseStamp(stored.LockedUntil)}, stored.Version, nil
}

func parseStamp(s string) time.Time {
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

// reserveAttempt counts one attempt against the key before its password is checked, so that no
// more than max passwords are ever checked per window, however many sign-ins arrive at once and
// on however many engine processes: a locked key answers too_many_attempts, and the max-th
// reservation is the last one checked (it locks the key). A success gives the attempt back
// (releaseAttempt). Every count is a compare-and-set on the key's document; one that cannot be
// counted is refused, never checked.
func (e *Engine) reserveAttempt(ctx context.Context, key string, max int) error {
	if key == "" {
		return nil
	}
	return e.updateThrottle(ctx, key, func(t throttle, now time.Time) (throttle, error) {
		if wait := t.lockedFor(now); wait > 0 {
			return t, tooManyAttempts(wait)
		}
		return t.failed(now, int64(max), e.loginLimits.Window, e.loginLimits.Lockout), nil
	})
}

// releaseAttempt gives back an attempt that proved right or was never checked. forget drops the
// key's count altogether (the email's owner signed in); otherwise the count goes down by one, as
// an address is shared by an office.
func (e *Engine) releaseAttempt(ctx context.Context, key string, forget bool) {
	if key == "" {
		return
	}
	var err error
	if forget {
		err = e.store.Delete(ctx, collLoginThrottle, key, 0)
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
	} else {
		err = e.updateThrottle(ctx, key, func(t throttle, _ time.Time) (throttle, error) {
			if t.Failures > 0 {
				t.Failures--
			}
			return t, nil
		})
	}
	if err != nil {
		e.log.Error("sign-in attempt not given back", "key", key, "err", err)
	}
}

// throttleTries bounds the compare-and-set rounds of one count; a burst at one key settles fast,
// as the key locks after a few counts and every later attempt only reads it.
const throttleTries = 32

// updateThrottle applies change to the key's state with a compare-and-set, again on top of
// whatever another process wrote meanwhile. An error from change is returned as it is.
func (e *Engine) updateThrottle(ctx context.Context, key string, change func(throttle, time.Time) (throttle, error)) error {
	l := e.loginLimits
	for try := 0; try < throttleTries; try++ {
		d, err := e.store.Get(ctx, collLoginThrottle, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return storeErr(err)
		}
		old, version, err := throttleFromDoc(d)
		if err != nil {
			return err
		}
		t, err := change(old, e.now())
		if err != nil {
			return err
		}
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
			// Another attempt counted at the same moment: count on top of it, after a short,
			// random pause so that the racers spread out.
			time.Sleep(time.Duration(mathrand.Int64N(int64(time.Millisecond) << min(try, 4))))
			continue
		}
		return storeErr(err)
	}
	return tooManyAttempts(time.Second)
}

func tooManyAttempts(wait time.Duration) *Error {
	secs := int64((wait + time.Second - 1) / time.Second)
	return &Error{Kind: KindTooMany, Code: "too_many_attempts", RetryAfter: wait,
		Message: fmt.Sprintf("too many failed sign-ins; try again in %d minute(s)", (secs+59)/60),
		Details: map[string]any{"retry_after": secs}}
}
