package forms

import (
	"sort"
	"strings"
)

// FieldError is one thing wrong with one field of a record: a stable code for programs and a
// message in the user's language.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Rule    string `json:"rule,omitempty"` // the validation rule that refused the record
}

// Codes of field errors. They are part of the API contract: clients switch on them.
const (
	CodeRequired     = "required"
	CodeType         = "type"
	CodeFormat       = "format"
	CodeEnum         = "enum"
	CodeMinLength    = "min_length"
	CodeMaxLength    = "max_length"
	CodeMinimum      = "minimum"
	CodeMaximum      = "maximum"
	CodePattern      = "pattern"
	CodeUniqueItems  = "unique_items"
	CodeScale        = "scale"
	CodeOverflow     = "overflow"
	CodePrecision    = "precision"
	CodeUnknownField = "unknown_field"
	CodeInvalid      = "invalid"
)

// issue is a field error before it is put into words: the code and the one argument its message
// needs (a limit, a wanted type or format, the pattern that failed). Keeping words out until the
// end lets one validation answer in any locale.
type issue struct {
	code string
	arg  string
}

// Error words the issue in English, for StoreValue callers.
func (is *issue) Error() string { return is.message("en") }

// messages holds the texts of each code; "{n}" is replaced by the issue's argument.
var messages = map[string]Label{
	CodeRequired:     {"en": "Required", "zh-CN": "必填"},
	CodeEnum:         {"en": "Not one of the allowed options", "zh-CN": "不在可选项中"},
	CodeMinLength:    {"en": "Must be at least {n} characters", "zh-CN": "至少 {n} 个字符"},
	CodeMaxLength:    {"en": "Must be at most {n} characters", "zh-CN": "最多 {n} 个字符"},
	CodeMinimum:      {"en": "Must be at least {n}", "zh-CN": "不能小于 {n}"},
	CodeMaximum:      {"en": "Must be at most {n}", "zh-CN": "不能大于 {n}"},
	CodeUniqueItems:  {"en": "Contains the same value twice", "zh-CN": "包含重复的值"},
	CodeScale:        {"en": "Must have at most {n} decimal places", "zh-CN": "最多 {n} 位小数"},
	CodeOverflow:     {"en": "Number is out of range", "zh-CN": "数值超出范围"},
	CodePrecision:    {"en": "Has more significant digits than can be kept exactly (15)", "zh-CN": "有效数字过多，无法精确保存（最多 15 位）"},
	CodeUnknownField: {"en": "Not a field of this object", "zh-CN": "不是此对象的字段"},
	CodeInvalid:      {"en": "Not a valid value", "zh-CN": "无效的值"},
}

// Texts whose wording depends on the argument.
var (
	typeMessages = map[string]Label{
		"string":  {"en": "Must be text", "zh-CN": "必须是文本"},
		"integer": {"en": "Must be a whole number", "zh-CN": "必须是整数"},
		"number":  {"en": "Must be a number", "zh-CN": "必须是数字"},
		"boolean": {"en": "Must be true or false", "zh-CN": "必须是是或否"},
		"array":   {"en": "Must be a list of values", "zh-CN": "必须是值的列表"},
		"":        {"en": "Has the wrong type", "zh-CN": "类型不正确"},
	}
	formatMessages = map[string]Label{
		"email":     {"en": "Not a valid email address", "zh-CN": "不是有效的电子邮件地址"},
		"uri":       {"en": "Not a valid URL", "zh-CN": "不是有效的网址"},
		"date":      {"en": "Not a valid date (YYYY-MM-DD)", "zh-CN": "不是有效的日期（YYYY-MM-DD）"},
		"date-time": {"en": "Not a valid date and time", "zh-CN": "不是有效的日期时间"},
		"":          {"en": "Not in the expected format", "zh-CN": "格式不正确"},
	}
	patternMessages = map[string]Label{
		phonePattern:   {"en": "Not a valid phone number", "zh-CN": "不是有效的电话号码"},
		urlPattern:     {"en": "Must start with http:// or https://", "zh-CN": "必须以 http:// 或 https:// 开头"},
		idPattern:      {"en": "Not a valid record id", "zh-CN": "不是有效的记录 ID"},
		decimalPattern: {"en": "Must be a number", "zh-CN": "必须是数字"},
		"":             {"en": "Does not match the required format", "zh-CN": "不符合要求的格式"},
	}
	wholeMessage = Label{"en": "Must be a whole number", "zh-CN": "必须是整数"}
)

// message words the issue in locale (with Label.In's fallback, so "zh-TW" reads Chinese and
// anything unknown reads English).
func (is *issue) message(locale string) string {
	var l Label
	switch is.code {
	case CodeType:
		l = pick(typeMessages, is.arg)
	case CodeFormat:
		l = pick(formatMessages, is.arg)
	case CodePattern:
		l = pick(patternMessages, is.arg)
	case CodeScale:
		if is.arg == "0" {
			l = wholeMessage
		} else {
			l = messages[CodeScale]
		}
	default:
		l = messages[is.code]
		if l == nil {
			l = messages[CodeInvalid]
		}
	}
	return strings.ReplaceAll(l.In(locale), "{n}", is.arg)
}

func pick(m map[string]Label, key string) Label {
	if l, ok := m[key]; ok {
		return l
	}
	return m[""]
}

// fieldIssue is an issue found at a field, before wording.
type fieldIssue struct {
	field string
	issue
}

// wordErrors turns issues into field errors in locale, one per field and code, sorted by the
// field's place in the definition (unknown fields last, by name), then by code.
func wordErrors(issues []fieldIssue, order map[string]int, locale string) []FieldError {
	if len(issues) == 0 {
		return nil
	}
	rank := func(name string) int {
		if i, ok := order[name]; ok {
			return i
		}
		return len(order)
	}
	sort.SliceStable(issues, func(i, j int) bool {
		a, b := issues[i], issues[j]
		if ra, rb := rank(a.field), rank(b.field); ra != rb {
			return ra < rb
		}
		if a.field != b.field {
			return a.field < b.field
		}
		return a.code < b.code
	})
	out := make([]FieldError, 0, len(issues))
	for i, is := range issues {
		if i > 0 && issues[i-1].field == is.field && issues[i-1].code == is.code {
			continue
		}
		out = append(out, FieldError{Field: is.field, Code: is.code, Message: is.message(locale)})
	}
	return out
}
