package workflow

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"crm/forms"
)

// The global search finds records by prefixes of normalized keys, which an index answers: the
// whole value and its second and third words (so "soft" finds "Acme Software"), case and width
// folded; phone numbers by their digits. The keys are stored with the record like the duplicate
// keys (same prefix, same upkeep).
const (
	MatchWord2  = "w2"     // the value from its second word on, folded as case_insensitive
	MatchWord3  = "w3"     // from its third word on
	MatchDigits = "digits" // a phone's national number, digits only
)

// SearchSpecs are the keys an object's records carry for the global search.
func SearchSpecs(obj *forms.Object) []KeySpec {
	var out []KeySpec
	for _, f := range obj.SearchFields() {
		switch f.Type {
		case forms.TypePhone:
			out = append(out, KeySpec{Field: f.Name, Match: MatchDigits})
		case forms.TypeEmail, forms.TypeURL, forms.TypeAutonumber:
			out = append(out, KeySpec{Field: f.Name, Match: MatchCaseInsensitive})
		default:
			out = append(out,
				KeySpec{Field: f.Name, Match: MatchCaseInsensitive},
				KeySpec{Field: f.Name, Match: MatchWord2},
				KeySpec{Field: f.Name, Match: MatchWord3})
		}
	}
	return out
}

// SearchPrefix is what a key of spec must start with to match the text q; "" when q cannot
// match such a key (too short to be a useful prefix, or no digits for a phone).
func SearchPrefix(spec KeySpec, q string) string {
	switch spec.Match {
	case MatchDigits:
		t := strings.TrimSpace(q)
		d := digitsOf(t)
		if len(d) < 3 || len(d)*2 < len([]rune(t)) {
			return "" // a phone search is mostly digits
		}
		switch {
		case strings.HasPrefix(t, "+") || strings.HasPrefix(d, "00"):
			d = nationalDigits(t) // the keys hold national numbers
		case strings.HasPrefix(d, "0"):
			d = d[1:] // a trunk prefix (020 ...), which national numbers drop
		}
		return d
	}
	k, ok := Key(MatchCaseInsensitive, q, "")
	if !ok || !usefulPrefix(k) {
		return ""
	}
	return k
}

// usefulPrefix: two characters, or one that is a whole word in scripts without spaces (中).
func usefulPrefix(s string) bool {
	if utf8.RuneCountInString(s) >= 2 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// nationalDigits is a phone number's national number as libphonenumber reads it (region
// DefaultPhoneRegion unless it names its country), so "+86 20 5555 0101" and "020 5555 0101" are
// both 2055550101; the digits as written when it cannot read it.
func nationalDigits(s string) string {
	if n, err := phonenumbers.Parse(s, DefaultPhoneRegion); err == nil && n.GetNationalNumber() != 0 {
		return strconv.FormatUint(n.GetNationalNumber(), 10)
	}
	return digitsOf(s)
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fromWord is s (folded) from its nth word on (n from 1); false when it has fewer words.
func fromWord(s string, n int) (string, bool) {
	words := strings.Fields(s)
	if len(words) < n {
		return "", false
	}
	return strings.Join(words[n-1:], " "), true
}
