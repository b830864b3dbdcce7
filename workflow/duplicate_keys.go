package workflow

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// maxKeyRunes bounds a stored key: a key is for finding candidates, and an index over long text
// grows every write.
const maxKeyRunes = 200

// Key is the normalized key of a stored value under a match kind; ok is false when the value
// says nothing to match on (empty, or no digits in a phone), and then nothing matches it.
//
//   - exact: the value as stored (text as is, numbers in their shortest form).
//   - case_insensitive: NFKC (full-width letters become ASCII), lower case, trimmed, runs of
//     white space as one space.
//   - email: trimmed and lower case, a "mailto:" and the local part's "+tag" dropped.
//   - phone: E.164 digits (country code first) as libphonenumber reads the number in the
//     condition's region, so "+86 138-0013-8000", "0086 13800138000" and "138 0013 8000" (CN)
//     meet; a number it cannot read keeps its digits.
//   - fuzzy: see FuzzyKey.
func Key(match string, v any, region string) (string, bool) {
	var s string
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		s = v
	case float64, int64, int, bool:
		s = fmt.Sprint(v)
	default:
		return "", false
	}
	switch match {
	case MatchCaseInsensitive:
		s = strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), " ")
	case MatchEmail:
		s = emailKey(s)
	case MatchPhone:
		s = phoneKey(s, region)
	case MatchFuzzy:
		s = FuzzyKey(s)
	case MatchFuzzyTail:
		s = reverseRunes(FuzzyKey(s))
	case MatchWord2, MatchWord3:
		n := 2
		if match == MatchWord3 {
			n = 3
		}
		var ok bool
		if s, ok = fromWord(strings.ToLower(norm.NFKC.String(s)), n); !ok {
			return "", false
		}
	case MatchDigits:
		s = nationalDigits(s)
	}
	if s == "" {
		return "", false
	}
	if utf8.RuneCountInString(s) > maxKeyRunes {
		s = string([]rune(s)[:maxKeyRunes])
	}
	return s, true
}

func emailKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "mailto:")
	local, domain, ok := strings.Cut(s, "@")
	if !ok {
		return s
	}
	if l, _, tagged := strings.Cut(local, "+"); tagged && l != "" {
		local = l
	}
	return local + "@" + domain
}

func phoneKey(s, region string) string {
	if n, err := phonenumbers.Parse(s, region); err == nil && n.GetNationalNumber() != 0 {
		return strings.TrimPrefix(phonenumbers.Format(n, phonenumbers.E164), "+")
	}
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func knownRegion(r string) bool { return phonenumbers.GetSupportedRegions()[r] }

// Fuzzy matching of names, e.g. company names: "阿里巴巴(中国)有限公司" and "阿里巴巴中国有限公司",
// "ACME Corp." and "Acme Corporation".
//
// A candidate search must use an index, so the comparison has two stages. FuzzyKey normalizes a
// name into a key kept with the record and indexed: NFKC (full-width forms become ASCII, so
// "（" is "("), lower case, legal-form suffixes dropped (有限公司, 股份有限公司, 集团, "co., ltd",
// "inc", "gmbh", ...), then everything but letters and digits removed (brackets, punctuation,
// spaces: their content stays, so "(中国)" reads "中国"). Names that differ only in those ways
// get equal keys. To find the names that differ a little more (a typo, a missing word), the
// search reads the key's neighbours in the index's order, a fixed number on each side of the
// record's own key (a sorted-neighbourhood search: a range read, its cost independent of the
// number of records), and Similarity scores each against the record's key; those at or above
// the condition's threshold match. A name that differs in its first characters ("北京阿里巴巴"
// and "阿里巴巴") sorts far from its twin, so the key is also kept read from its end
// (MatchFuzzyTail) and the search reads that index's neighbourhood too. What neither finds is a
// pair that differs at both ends.

// legalSuffixes are dropped from the end of a name, longest first, repeatedly. Latin ones are
// whole words (so "Costco" keeps its "co").
var legalSuffixes = []string{
	"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "集团", "公司",
	"株式会社",
}

var legalWords = map[string]bool{
	"co": true, "company": true, "ltd": true, "limited": true, "inc": true, "incorporated": true,
	"corp": true, "corporation": true, "llc": true, "llp": true, "plc": true, "gmbh": true, "ag": true,
	"sa": true, "sarl": true, "bv": true, "nv": true, "srl": true, "spa": true, "pte": true, "pty": true,
	"kk": true, "group": true, "holdings": true, "the": true,
}

// FuzzyKey is a name's normalized key for fuzzy matching (see above).
func FuzzyKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	// Words: runs of letters and digits; CJK text without spaces is one word.
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for len(words) > 1 && legalWords[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	joined := strings.Join(words, "")
	for trimmed := true; trimmed; {
		trimmed = false
		for _, suf := range legalSuffixes {
			if rest, ok := strings.CutSuffix(joined, suf); ok && rest != "" {
				joined, trimmed = rest, true
				break
			}
		}
	}
	return joined
}

// Similarity is how alike two fuzzy keys are, from 0 to 1: one minus their edit distance (in
// characters) over the longer one's length.
func Similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(levenshtein.ComputeDistance(a, b))/float64(n)
}

// Matches tells whether two keys of a condition meet.
func (c MatchCondition) Matches(a, b string) bool {
	if c.Match == MatchFuzzy {
		return Similarity(a, b) >= c.Similarity()
	}
	return a == b
}

func reverseRunes(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}
