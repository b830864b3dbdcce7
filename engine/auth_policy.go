package engine

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The password policy follows NIST SP 800-63B: length first, a blocklist of passwords attackers
// try first, nothing built on the user's own email, and no composition rules beyond a little
// variety for passwords shorter than a passphrase.
const (
	// MinPasswordLength is the shortest password accepted, in characters.
	MinPasswordLength = 10
	// MaxPasswordLength bounds the work of hashing what a client sends.
	MaxPasswordLength = 256
	// passphraseLength is the length from which any mix of characters is accepted.
	passphraseLength = 16
)

// commonPasswords are among the most used passwords of at least MinPasswordLength characters
// (shorter ones already fail on length). Compared case-insensitively.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		1234567890 0123456789 0987654321 1111111111 0000000000 1234512345 1q2w3e4r5t 1qaz2wsx3edc
		qwertyuiop qwerty1234 qwerty12345 qwerty123456 asdfghjkl1 zxcvbnm123 1qazxsw23edc
		password12 password123 password1234 password12345 passw0rd123 p@ssw0rd123 p@ssword123
		password-123! password!123 mypassword1 mypassword123 changeme123 changeme1234 letmein123
		welcome123 welcome1234 welcome2024 welcome2025 welcome2026 iloveyou12 iloveyou123
		administrator admin12345 admin123456 administrator1 abc1234567 abcdefghij abcd123456
		a123456789 123456789a 12345678910 123123123123 1234567890a football123 baseball123
		sunshine123 princess123 dragon1234 monkey12345 superman123 starwars123 trustno1234
		computer123 internet123 whatever123 freedom123 master1234 shadow1234 michael123
		qwerty!@#$% 1q2w3e4r5t6y zaq12wsxcde q1w2e3r4t5 987654321a 11223344556677 aaaaaaaaaa
		passwordpassword 1234567890123456 qwertyuiopasdfgh`) {
		commonPasswords[p] = true
	}
}

// passwordProblem applies the password policy to a new password of the user with this email;
// the error's text says what to change.
func passwordProblem(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Errorf("a password has at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Errorf("a password has at most %d characters", MaxPasswordLength)
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] || sameRune(lower) {
		return fmt.Errorf("this password is among the first ones attackers try; choose another")
	}
	email = strings.ToLower(email)
	local, _, _ := strings.Cut(email, "@")
	// A password that is the email, or its name, with a few characters around it is guessed
	// quickly; what is left without them must still be a password of full length on its own.
	for _, part := range []string{email, local} {
		if utf8.RuneCountInString(part) >= 3 && strings.Contains(lower, part) &&
			utf8.RuneCountInString(strings.ReplaceAll(lower, part, "")) < MinPasswordLength {
			return fmt.Errorf("a password must not be built on the email address")
		}
	}
	if n < passphraseLength && charClasses(password) < 2 {
		return fmt.Errorf("a password shorter than %d characters mixes at least two of letters, digits and other characters", passphraseLength)
	}
	return nil
}

// charClasses counts which of letters, digits and other characters the password uses.
func charClasses(s string) int {
	var letter, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return letter + digit + other
}

func sameRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(first)) == ""
}

// weakPassword is the error of a refused new password.
func weakPassword(err error) *Error {
	return errorf(KindValidation, "weak_password", "%s", err.Error())
}
