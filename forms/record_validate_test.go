package forms

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// TestValidateTypes gives each type good values (with their stored form) and bad values (with
// the codes they get). Each case is one field "v" defined by def and the JSON value sent.
func TestValidateTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		def   string // the field, without its name
		value string // JSON
		want  any    // stored value when codes is empty
		codes []string
	}{
		{"text", `"type": "text"`, `"Acme"`, "Acme", nil},
		{"text keeps spaces", `"type": "text"`, `"  Acme "`, "  Acme ", nil},
		{"text not a string", `"type": "text"`, `5`, nil, []string{"type"}},
		{"text too long", `"type": "text", "max_length": 5`, `"Acme Ltd"`, nil, []string{"max_length"}},
		{"text too short", `"type": "text", "min_length": 3`, `"Ac"`, nil, []string{"min_length"}},
		{"text length counts characters", `"type": "text", "max_length": 2`, `"公司"`, "公司", nil},
		{"text pattern", `"type": "text", "pattern": "^[A-Z]{2}[0-9]+$"`, `"CN123"`, "CN123", nil},
		{"text pattern mismatch", `"type": "text", "pattern": "^[A-Z]{2}[0-9]+$"`, `"cn123"`, nil, []string{"pattern"}},
		{"textarea", `"type": "textarea", "max_length": 20`, `"line 1\nline 2"`, "line 1\nline 2", nil},
		{"email", `"type": "email"`, `"ann@example.com"`, "ann@example.com", nil},
		{"email without at", `"type": "email"`, `"ann.example.com"`, nil, []string{"format"}},
		{"phone", `"type": "phone"`, `"+86 (10) 6552-9988"`, "+86 (10) 6552-9988", nil},
		{"phone with letters", `"type": "phone"`, `"call me"`, nil, []string{"pattern"}},
		{"url", `"type": "url"`, `"https://example.com/a?b=c"`, "https://example.com/a?b=c", nil},
		{"url not on the web", `"type": "url"`, `"javascript:alert(1)"`, nil, []string{"pattern"}},
		{"url relative", `"type": "url"`, `"/a/b"`, nil, []string{"format"}},
		{"url ftp", `"type": "url"`, `"ftp://example.com/f"`, nil, []string{"pattern"}},
		{"integer", `"type": "integer", "min": 0, "max": 100`, `42`, int64(42), nil},
		{"integer written with a fraction of zero", `"type": "integer"`, `42.0`, int64(42), nil},
		{"integer with exponent", `"type": "integer"`, `1e3`, int64(1000), nil},
		{"integer with a fraction", `"type": "integer"`, `4.5`, nil, []string{"type"}},
		{"integer as a string", `"type": "integer"`, `"42"`, nil, []string{"type"}},
		{"integer below min", `"type": "integer", "min": 0`, `-1`, nil, []string{"minimum"}},
		{"integer above max", `"type": "integer", "max": 100`, `101`, nil, []string{"maximum"}},
		{"integer beyond int64", `"type": "integer"`, `9223372036854775808`, nil, []string{"overflow"}},
		{"integer at int64 min", `"type": "integer"`, `-9223372036854775808`, int64(-9223372036854775808), nil},
		{"number", `"type": "number"`, `1.25`, 1.25, nil},
		{"number trailing zeros are not decimals", `"type": "number", "scale": 1`, `1.50`, 1.5, nil},
		{"number beyond scale", `"type": "number"`, `1.255`, nil, []string{"scale"}},
		{"number scale 0", `"type": "number", "scale": 0`, `3`, 3.0, nil},
		{"number as a string", `"type": "number"`, `"1.5"`, nil, []string{"type"}},
		{"number below min", `"type": "number", "min": 0.5`, `0.25`, nil, []string{"minimum"}},
		{"number too large for float64", `"type": "number"`, `1e400`, nil, []string{"overflow"}},
		{"number at 2^53", `"type": "number"`, `9007199254740992`, 9007199254740992.0, nil},
		{"number a float64 cannot hold exactly", `"type": "number"`, `9007199254740993`, nil, []string{"precision"}},
		{"number with more digits than a float64 keeps", `"type": "number", "scale": 10`, `1234567890.0000000001`, nil, []string{"precision"}},
		{"number near the float64 limit", `"type": "number"`, `-1e308`, -1e308, nil},
		{"percent", `"type": "percent", "max": 100`, `12.5`, 12.5, nil},
		{"percent above max", `"type": "percent", "max": 100`, `100.5`, nil, []string{"maximum"}},
		{"currency number", `"type": "currency", "currency": "CNY"`, `12.5`, int64(1250), nil},
		{"currency string", `"type": "currency", "currency": "CNY"`, `"12.50"`, int64(1250), nil},
		{"currency string with exponent", `"type": "currency", "currency": "CNY"`, `"1e2"`, nil, []string{"pattern"}},
		{"currency boolean", `"type": "currency", "currency": "CNY"`, `true`, nil, []string{"type"}},
		{"boolean", `"type": "boolean"`, `false`, false, nil},
		{"boolean as a string", `"type": "boolean"`, `"true"`, nil, []string{"type"}},
		{"date", `"type": "date"`, `"2028-02-29"`, "2028-02-29", nil},
		{"date that does not exist", `"type": "date"`, `"2026-02-30"`, nil, []string{"format"}},
		{"date with slashes", `"type": "date"`, `"2026/01/01"`, nil, []string{"format"}},
		{"datetime in UTC", `"type": "datetime"`, `"2026-01-01T10:00:00Z"`, "2026-01-01T10:00:00.000Z", nil},
		{"datetime with offset to UTC", `"type": "datetime"`, `"2026-01-01T08:00:00+08:00"`, "2026-01-01T00:00:00.000Z", nil},
		{"datetime crossing the day", `"type": "datetime"`, `"2026-01-01T01:30:00.5+08:00"`, "2025-12-31T17:30:00.500Z", nil},
		{"datetime cut to milliseconds", `"type": "datetime"`, `"2026-01-01T00:00:00.123999Z"`, "2026-01-01T00:00:00.123Z", nil},
		{"datetime lower-case t and z", `"type": "datetime"`, `"2026-01-01t10:00:00z"`, "2026-01-01T10:00:00.000Z", nil},
		{"datetime without offset", `"type": "datetime"`, `"2026-01-01T10:00:00"`, nil, []string{"format"}},
		{"datetime date only", `"type": "datetime"`, `"2026-01-01"`, nil, []string{"format"}},
		{"picklist", `"type": "picklist", "options": [{"value": "new"}, {"value": "won"}]`, `"won"`, "won", nil},
		{"picklist unknown value", `"type": "picklist", "options": [{"value": "new"}]`, `"old"`, nil, []string{"enum"}},
		{"picklist value of the wrong type", `"type": "picklist", "options": [{"value": "new"}]`, `1`, nil, []string{"enum"}},
		{"multipicklist keeps order", `"type": "multipicklist", "options": [{"value": "a"}, {"value": "b"}, {"value": "c"}]`, `["c", "a"]`, []any{"c", "a"}, nil},
		{"multipicklist empty", `"type": "multipicklist", "options": [{"value": "a"}]`, `[]`, []any{}, nil},
		{"multipicklist duplicate", `"type": "multipicklist", "options": [{"value": "a"}, {"value": "b"}]`, `["a", "b", "a"]`, nil, []string{"unique_items"}},
		{"multipicklist unknown value", `"type": "multipicklist", "options": [{"value": "a"}]`, `["a", "z"]`, nil, []string{"enum"}},
		{"multipicklist not a list", `"type": "multipicklist", "options": [{"value": "a"}]`, `"a"`, nil, []string{"type"}},
		{"lookup", `"type": "lookup", "target": "account"`, `"01J8ZK4Q_x-9"`, "01J8ZK4Q_x-9", nil},
		{"lookup with a path", `"type": "lookup", "target": "account"`, `"../etc/passwd"`, nil, []string{"pattern"}},
		{"user", `"type": "user"`, `"u_42"`, "u_42", nil},
		{"user as a number", `"type": "user"`, `42`, nil, []string{"type"}},
		{"autonumber", `"type": "autonumber", "prefix": "L-"`, `"L-0001"`, "L-0001", nil},
		{"formula currency without code", `"type": "formula", "result_type": "currency", "expression": "1"`, `"12.5"`, int64(1250), nil},
		{"formula number", `"type": "formula", "result_type": "number", "expression": "1", "scale": 1`, `1.25`, nil, []string{"scale"}},
		{"formula boolean", `"type": "formula", "result_type": "boolean", "expression": "true"`, `true`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := compile(t, withFields(`{"name": "v", `+tt.def+`}`))
			var v any
			decode(t, tt.value, &v)
			stored, errs := c.Validate(map[string]any{"v": v}, "en")
			var got []string
			for _, e := range errs {
				got = append(got, e.Code)
				if e.Field != "v" || e.Message == "" {
					t.Errorf("error %+v: want field v and a message", e)
				}
			}
			if !equalStrings(got, tt.codes) {
				t.Fatalf("codes = %q, want %q (errors %v)", got, tt.codes, errs)
			}
			if len(tt.codes) == 0 && !reflect.DeepEqual(stored["v"], tt.want) {
				t.Errorf("stored = %#v, want %#v", stored["v"], tt.want)
			}
		})
	}
}

// TestValidateCurrencyExact pins the exactness of money: decimal text to minor units, never
// through float64.
func TestValidateCurrencyExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string
		value    any
		want     int64
		code     string
	}{
		{"string 0.10", "CNY", "0.10", 10, ""},
		{"number 0.1", "CNY", json.Number("0.1"), 10, ""},
		{"0.1 + 0.2 stays exact", "CNY", json.Number("0.30000000000000000"), 30, ""},
		{"negative", "CNY", "-0.05", -5, ""},
		{"zero with sign", "CNY", "-0.00", 0, ""},
		{"leading zeros in a string", "CNY", "007.5", 750, ""},
		{"exponent in a number", "CNY", json.Number("1.5e2"), 15000, ""},
		{"three decimals in CNY", "CNY", "12.345", 0, "scale"},
		{"three decimals in KWD", "KWD", "12.345", 12345, ""},
		{"four decimals in KWD", "KWD", "12.3456", 0, "scale"},
		{"yen has no decimals", "JPY", json.Number("1500"), 1500, ""},
		{"yen with decimals", "JPY", "1500.5", 0, "scale"},
		{"yen with zero decimals", "JPY", "1500.00", 1500, ""},
		{"largest amount", "CNY", "92233720368547758.07", 9223372036854775807, ""},
		{"smallest amount", "CNY", "-92233720368547758.08", -9223372036854775808, ""},
		{"just beyond int64", "CNY", "92233720368547758.08", 0, "overflow"},
		{"int64 max in yuan overflows in fen", "CNY", json.Number("9223372036854775807"), 0, "overflow"},
		{"huge exponent", "CNY", json.Number("1e999999999999"), 0, "overflow"},
		{"tiny exponent", "CNY", json.Number("1e-999999999999"), 0, "scale"},
		{"zero with a huge exponent", "CNY", json.Number("0e999999999999"), 0, ""},
		{"Go float64 default", "CNY", 0.1, 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := compile(t, withFields(`{"name": "amount", "type": "currency", "currency": "`+tt.currency+`"}`))
			stored, errs := c.Validate(map[string]any{"amount": tt.value}, "en")
			if tt.code != "" {
				if len(errs) != 1 || errs[0].Code != tt.code {
					t.Fatalf("errors = %v, want one %q", errs, tt.code)
				}
				return
			}
			if len(errs) != 0 {
				t.Fatalf("errors = %v", errs)
			}
			if stored["amount"] != tt.want {
				t.Errorf("stored = %#v, want %d", stored["amount"], tt.want)
			}
		})
	}
}

func TestValidateCurrencyLimits(t *testing.T) {
	t.Parallel()
	c := compile(t, withFields(`{"name": "amount", "type": "currency", "currency": "CNY", "min": 10, "max": "1000.50"}`))
	tests := []struct {
		value any
		code  string
	}{
		{"10.00", ""},
		{"9.99", "minimum"},
		{json.Number("9.99"), "minimum"},
		{"1000.50", ""},
		{"1000.51", "maximum"},
		{json.Number("1000.51"), "maximum"},
	}
	for _, tt := range tests {
		_, errs := c.Validate(map[string]any{"amount": tt.value}, "en")
		got := ""
		if len(errs) > 0 {
			got = errs[0].Code
		}
		if got != tt.code || len(errs) > 1 {
			t.Errorf("%#v: errors %v, want code %q", tt.value, errs, tt.code)
		}
	}
	_, errs := c.Validate(map[string]any{"amount": "9.99"}, "en")
	if errs[0].Message != "Must be at least 10" {
		t.Errorf("message = %q", errs[0].Message)
	}
}

// leadDef is a small object with one field of most kinds, used by the record-level tests.
const leadDef = `{"name": "lead", "fields": [
	{"name": "company", "type": "text", "required": true, "max_length": 200},
	{"name": "email", "type": "email"},
	{"name": "amount", "type": "currency", "currency": "CNY"},
	{"name": "stage", "type": "picklist", "required": true, "options": [{"value": "new"}, {"value": "won"}]},
	{"name": "tags", "type": "multipicklist", "options": [{"value": "vip"}, {"value": "partner"}]},
	{"name": "close_date", "type": "date"},
	{"name": "met_at", "type": "datetime"},
	{"name": "probability", "type": "percent"},
	{"name": "employees", "type": "integer"},
	{"name": "active", "type": "boolean"}]}`

func TestValidateRecord(t *testing.T) {
	t.Parallel()
	c := compile(t, leadDef)
	tests := []struct {
		name   string
		record string
		want   []string // "field code", in definition order
	}{
		{"all good", `{"company": "Acme", "stage": "new", "amount": "12.50", "tags": ["vip"]}`, nil},
		{"null for optional fields", `{"company": "Acme", "stage": "new", "email": null, "amount": null, "tags": null, "close_date": null, "active": null}`, nil},
		{"null for required fields", `{"company": null, "stage": null}`, []string{"company required", "stage required"}},
		{"required fields absent", `{}`, []string{"company required", "stage required"}},
		{"empty text for a required field", `{"company": "", "stage": "new"}`, []string{"company required"}},
		{"empty strings are no value", `{"company": "Acme", "stage": "new", "email": "", "amount": "", "close_date": "", "met_at": ""}`, nil},
		{"an empty required picklist", `{"company": "Acme", "stage": ""}`, []string{"stage required"}},
		{"many errors at once, in definition order", `{"employees": 1.5, "email": "x", "company": "Acme", "stage": "lost", "amount": "1.234", "met_at": "yesterday"}`,
			[]string{"email format", "amount scale", "stage enum", "met_at format", "employees type"}},
		{"unknown fields come last, by name", `{"zeta": 1, "company": "Acme", "stage": "new", "alpha": true, "id": "x"}`,
			[]string{"alpha unknown_field", "id unknown_field", "zeta unknown_field"}},
		{"schema and conversion errors together", `{"stage": "new", "amount": "1.001", "probability": 1.001}`,
			[]string{"company required", "amount scale", "probability scale"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec map[string]any
			decode(t, tt.record, &rec)
			stored, errs := c.Validate(rec, "en")
			if got := codes(errs); !equalStrings(got, tt.want) {
				t.Fatalf("errors:\n got %q\nwant %q", got, tt.want)
			}
			if len(tt.want) > 0 && stored != nil {
				t.Errorf("stored = %v, want nil with errors", stored)
			}
			if len(tt.want) == 0 {
				for k, v := range stored {
					if v == nil || v == "" {
						t.Errorf("stored %s = %#v; null and empty must be left out", k, v)
					}
				}
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	t.Parallel()
	c := compile(t, leadDef)
	rec := map[string]any{"company": strings.Repeat("公", 201), "email": "nope", "tags": []any{"vip", "vip"}}
	tests := []struct {
		locale string
		want   []string
	}{
		{"en", []string{"Must be at most 200 characters", "Not a valid email address", "Required", "Contains the same value twice"}},
		{"zh-CN", []string{"最多 200 个字符", "不是有效的电子邮件地址", "必填", "包含重复的值"}},
		{"zh-TW", []string{"最多 200 个字符", "不是有效的电子邮件地址", "必填", "包含重复的值"}},
		{"fr", []string{"Must be at most 200 characters", "Not a valid email address", "Required", "Contains the same value twice"}},
	}
	for _, tt := range tests {
		_, errs := c.Validate(rec, tt.locale)
		var got []string
		for _, e := range errs {
			got = append(got, e.Message)
		}
		if !equalStrings(got, tt.want) {
			t.Errorf("%s: messages %q, want %q", tt.locale, got, tt.want)
		}
	}
}

func TestOutputRoundTrip(t *testing.T) {
	t.Parallel()
	c := compile(t, leadDef)
	var rec map[string]any
	decode(t, `{"company": "Acme", "email": "ann@example.com", "amount": "1234.5", "stage": "won", "tags": ["partner", "vip"],
		"close_date": "2026-06-30", "met_at": "2026-01-01T08:00:00+08:00", "probability": 12.5, "employees": 250, "active": true}`, &rec)
	stored, errs := c.Validate(rec, "en")
	if errs != nil {
		t.Fatal(errs)
	}
	if stored["amount"] != int64(123450) || stored["employees"] != int64(250) || stored["probability"] != 12.5 {
		t.Errorf("stored = %#v", stored)
	}
	out := c.Output(stored)
	want := map[string]any{
		"company": "Acme", "email": "ann@example.com", "amount": json.Number("1234.50"), "stage": "won",
		"tags": []any{"partner", "vip"}, "close_date": "2026-06-30", "met_at": "2026-01-01T00:00:00.000Z",
		"probability": json.Number("12.5"), "employees": int64(250), "active": true,
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("Output:\n got %#v\nwant %#v", out, want)
	}
	// The wire form validates to the same stored form.
	again, errs := c.Validate(out, "en")
	if errs != nil || !reflect.DeepEqual(again, stored) {
		t.Errorf("second round: %v %#v", errs, again)
	}
}

func TestOutputFromStorage(t *testing.T) {
	t.Parallel()
	c := compile(t, leadDef)
	// What a backend may hand back: numbers decoded from JSON, extra system keys, nulls.
	out := c.Output(map[string]any{
		"id": "r1", "version": int64(3), "amount": float64(-5), "employees": json.Number("7"),
		"probability": json.Number("0.5"), "tags": []string{"vip"}, "email": nil,
	})
	want := map[string]any{"amount": json.Number("-0.05"), "employees": int64(7), "probability": json.Number("0.5"), "tags": []any{"vip"}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("Output:\n got %#v\nwant %#v", out, want)
	}
}

func TestStoreValue(t *testing.T) {
	t.Parallel()
	o := object(t, leadDef)
	tests := []struct {
		field string
		value any
		want  any
		fails bool
	}{
		{"close_date", "2026-01-01", "2026-01-01", false},
		{"close_date", "2026-13-01", nil, true},
		{"amount", "12.50", int64(1250), false},
		{"amount", json.Number("12.5"), int64(1250), false},
		{"amount", "12.505", nil, true},
		{"met_at", "2026-01-01T08:00:00+08:00", "2026-01-01T00:00:00.000Z", false},
		{"employees", json.Number("12"), int64(12), false},
		{"employees", "12", nil, true},
		{"probability", json.Number("0.5"), 0.5, false},
		{"active", true, true, false},
		{"stage", "won", "won", false},
		{"stage", "lost", nil, true},
		{"tags", []any{"vip"}, []any{"vip"}, false},
		{"tags", []any{"gold"}, nil, true},
		{"company", nil, nil, false},
		// Limits are not checked: a filter may compare with any value of the type.
		{"company", strings.Repeat("x", 300), strings.Repeat("x", 300), false},
	}
	for _, tt := range tests {
		got, err := o.Field(tt.field).StoreValue(tt.value)
		if (err != nil) != tt.fails || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s StoreValue(%#v) = %#v, %v; want %#v, fails %v", tt.field, tt.value, got, err, tt.want, tt.fails)
		}
	}
	// System fields the engine describes with plain fields.
	id := &Field{Name: "id", Type: TypeLookup}
	if _, err := id.StoreValue("x y"); err == nil {
		t.Error("id with a space: want an error")
	}
	if _, err := (&Field{Name: "x", Type: "nope"}).StoreValue("a"); err == nil {
		t.Error("unknown type: want an error")
	}
}

// TestValidateConcurrently shares one Compiled between goroutines, as the engine does.
func TestValidateConcurrently(t *testing.T) {
	t.Parallel()
	c := compile(t, leadDef)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				rec := map[string]any{"company": "Acme", "stage": "won", "amount": json.Number("1.5"), "email": "bad"}
				if _, errs := c.Validate(rec, "zh-CN"); len(errs) != 1 || errs[0].Code != "format" {
					t.Errorf("errors = %v", errs)
					return
				}
			}
		}()
	}
	wg.Wait()
}
