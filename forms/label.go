package forms

import (
	"regexp"
	"strings"
)

// Label is a text in several languages, keyed by locale ("en", "zh-CN", ...). Definitions carry
// labels rather than plain strings so that one definition serves users in every language.
type Label map[string]string

// localePattern is the shape of a locale key: a language, then optional subtags (region, script).
var localePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// ValidLocale tells whether s looks like a locale key ("en", "zh-CN").
func ValidLocale(s string) bool { return localePattern.MatchString(s) }

// In returns the text for locale, falling back so that a user always sees something: the exact
// locale, then the bare language ("zh" for "zh-TW"), then another region of the same language
// ("zh-CN" for "zh-TW", smallest key first), then "en", then any non-empty text (smallest key, so
// the answer is deterministic), else "".
func (l Label) In(locale string) string {
	if len(l) == 0 {
		return ""
	}
	if s := l[locale]; s != "" {
		return s
	}
	lang := language(locale)
	if lang != locale {
		if s := l[lang]; s != "" {
			return s
		}
	}
	if s := l.smallest(func(k string) bool { return strings.EqualFold(language(k), lang) }); s != "" {
		return s
	}
	if s := l["en"]; s != "" {
		return s
	}
	return l.smallest(func(string) bool { return true })
}

// smallest returns the non-empty text of the smallest key that keep accepts.
func (l Label) smallest(keep func(string) bool) string {
	best, text := "", ""
	for k, v := range l {
		if v != "" && keep(k) && (text == "" || k < best) {
			best, text = k, v
		}
	}
	return text
}

// language is the language subtag of a locale: "zh" for "zh-CN" (also for "zh_CN").
func language(locale string) string {
	if i := strings.IndexAny(locale, "-_"); i >= 0 {
		return locale[:i]
	}
	return locale
}
