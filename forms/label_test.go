package forms

import "testing"

func TestLabelIn(t *testing.T) {
	t.Parallel()
	full := Label{"en": "Lead", "zh-CN": "线索", "zh": "线索(zh)", "de": "Interessent"}
	tests := []struct {
		name   string
		label  Label
		locale string
		want   string
	}{
		{"exact locale", full, "zh-CN", "线索"},
		{"bare language for a region", full, "zh-TW", "线索(zh)"},
		{"other region of the same language", Label{"en": "Lead", "zh-CN": "线索"}, "zh-TW", "线索"},
		{"same language, smallest key wins", Label{"zh-TW": "線索", "zh-CN": "线索"}, "zh-HK", "线索"},
		{"english when the language is missing", full, "fr", "Lead"},
		{"any text, smallest key, when there is no english", Label{"fr": "Piste", "de": "Interessent"}, "ja", "Interessent"},
		{"empty texts are skipped", Label{"zh-CN": "", "en": "Lead"}, "zh-CN", "Lead"},
		{"empty label", nil, "en", ""},
		{"empty locale", full, "", "Lead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.label.In(tt.locale); got != tt.want {
				t.Errorf("In(%q) = %q, want %q", tt.locale, got, tt.want)
			}
		})
	}
}

func TestTypes(t *testing.T) {
	t.Parallel()
	want := []string{"autonumber", "boolean", "currency", "date", "datetime", "email", "formula", "integer",
		"lookup", "multipicklist", "number", "percent", "phone", "picklist", "rollup", "text", "textarea", "url", "user"}
	if got := Types(); !equalStrings(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}
}

func TestAutonumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field Field
		n     int64
		want  string
	}{
		{Field{Prefix: "L-"}, 42, "L-0042"},
		{Field{Digits: 6}, 7, "000007"},
		{Field{Prefix: "T", Digits: 2}, 12345, "T12345"},
	}
	for _, tt := range tests {
		if got := tt.field.Autonumber(tt.n); got != tt.want {
			t.Errorf("Autonumber(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
