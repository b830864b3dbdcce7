package engine

import (
	"strings"
	"testing"
)

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		password, email string
		problem         string // "" = accepted
	}{
		{"password-123", "admin@example.com", ""},
		{"correct-horse-anna", "anna@example.com", ""}, // the name, and a full password besides
		{"admin-change-me", "admin@example.com", ""},
		{"correcthorsebatterystaple", "x@example.com", ""}, // a passphrase needs no digits
		{"长城很长很长很长1号", "x@example.com", ""},
		{"short-1", "x@example.com", "at least 10"},
		{"1234567890", "x@example.com", "attackers try"},
		{"QwertyUIOP", "x@example.com", "attackers try"},
		{"zzzzzzzzzzzz", "x@example.com", "attackers try"},
		{"anna12345678", "anna@example.com", "email"},
		{"Anna-Anna-Anna!", "anna@example.com", "email"},
		{"maria@example.com", "maria@example.com", "email"},
		{"x@example.com12", "x@example.com", "email"},
		{"correct-horse-x@example.com", "x@example.com", ""}, // enough besides the email
		{"abcdxyzefgh", "x@example.com", "two of letters"},
		{"83920174629", "x@example.com", "two of letters"},
		{strings.Repeat("ab1", 90), "x@example.com", "at most 256"},
	} {
		err := passwordProblem(c.password, c.email)
		switch {
		case c.problem == "" && err != nil:
			t.Errorf("%q refused: %v", c.password, err)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("%q: %v, want a problem with %q", c.password, err, c.problem)
		}
	}
}
