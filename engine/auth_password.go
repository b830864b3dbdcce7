package engine

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane), a fair cost for a login on a
// small shared machine. They are stored in each hash, so raising them later keeps old hashes valid.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashPassword returns a PHC-style argon2id string.
func hashPassword(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword compares in constant time; a malformed hash never matches.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when the email is unknown so that a failed login takes as long either way.
// It is made on first use: every command (crm version too) would otherwise pay for it at start.
var dummyHash = sync.OnceValue(func() string { return hashPassword("not a real password") })

// hashGate bounds how many password hashes run at once: each takes argonMemory of RAM, and a
// burst of sign-ins must not take the server's memory (nor its CPU) from everything else.
type hashGate chan struct{}

func newHashGate(n int) hashGate {
	if n <= 0 {
		n = max(2, runtime.NumCPU())
	}
	return make(hashGate, n)
}

// try takes a slot at once or answers too_many_attempts: a sign-in over the bound is refused
// without hashing rather than queued, so that a burst cannot pile up memory or latency.
func (g hashGate) try() (release func(), err error) {
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	default:
		return nil, &Error{Kind: KindTooMany, Code: "too_many_attempts", RetryAfter: time.Second,
			Message: "too many sign-ins at once; try again in a moment", Details: map[string]any{"retry_after": 1}}
	}
}

// wait takes a slot, waiting for one (for hashes an administrator asked for, never a sign-in).
func (g hashGate) wait(ctx context.Context) (release func(), err error) {
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hash is hashPassword within the gate, waiting for a slot: for passwords an administrator or the
// user sets, which are rare and already signed in.
func (e *Engine) hash(ctx context.Context, password string) (string, error) {
	release, err := e.hashing.wait(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return hashPassword(password), nil
}
