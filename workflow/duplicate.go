package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"crm/forms"
)

// Duplicate rule actions.
const (
	DuplicateBlock = "block" // the write is refused with the matches
	DuplicateWarn  = "warn"  // the write is saved and its answer lists the matches
)

// Match kinds of a duplicate condition: how two values are compared (see duplicate_keys.go).
const (
	MatchExact           = "exact"
	MatchCaseInsensitive = "case_insensitive"
	MatchEmail           = "email"
	MatchPhone           = "phone"
	MatchFuzzy           = "fuzzy"
	// MatchFuzzyTail is no condition's kind: the fuzzy key read from its end, kept beside it.
	MatchFuzzyTail = "fuzzy_tail"
)

// DefaultFuzzyThreshold is the similarity a fuzzy condition asks for when it names none.
const DefaultFuzzyThreshold = 0.85

// DefaultPhoneRegion is the country a phone number without a country code is read in when the
// condition names none (the default template's market).
const DefaultPhoneRegion = "CN"

// DuplicateRules are an object's ordered duplicate rules. Every rule is checked on each write; a
// record found by several rules is listed once, under the first, and the write is refused when any
// rule that found something blocks.
type DuplicateRules struct {
	Object string          `json:"object"`
	Rules  []DuplicateRule `json:"rules"`
}

// DuplicateRule matches a record against existing records of its own object, or of Against (a
// lead against contacts): a candidate matches when every condition holds.
type DuplicateRule struct {
	Name       string           `json:"name"`
	Label      forms.Label      `json:"label,omitempty"`
	Action     string           `json:"action"`
	Against    string           `json:"against,omitempty"` // "": the rule's own object
	Disabled   bool             `json:"disabled,omitempty"`
	Conditions []MatchCondition `json:"conditions"`
}

// MatchCondition compares the record's Field with the candidate's AgainstField (default: the
// same name) as Match says.
type MatchCondition struct {
	Field        string  `json:"field"`
	Match        string  `json:"match"`
	AgainstField string  `json:"against_field,omitempty"`
	Threshold    float64 `json:"threshold,omitempty"` // fuzzy: 0 < t <= 1, default DefaultFuzzyThreshold
	Region       string  `json:"region,omitempty"`    // phone: ISO country of numbers without a code
}

// Other is the field of the candidate the condition compares with.
func (c MatchCondition) Other() string {
	if c.AgainstField != "" {
		return c.AgainstField
	}
	return c.Field
}

// Similarity is the fuzzy threshold in effect.
func (c MatchCondition) Similarity() float64 {
	if c.Threshold == 0 {
		return DefaultFuzzyThreshold
	}
	return c.Threshold
}

// PhoneRegion is the phone region in effect.
func (c MatchCondition) PhoneRegion() string {
	if c.Region == "" {
		return DefaultPhoneRegion
	}
	return c.Region
}

// Target is the object a rule looks in.
func (r DuplicateRule) Target(object string) string {
	if r.Against != "" {
		return r.Against
	}
	return object
}

// matchTypes are the field types each match kind reads.
var matchTypes = map[string][]string{
	MatchExact: {forms.TypeText, forms.TypeEmail, forms.TypePhone, forms.TypeURL, forms.TypePicklist, forms.TypeLookup,
		forms.TypeUser, forms.TypeAutonumber, forms.TypeInteger, forms.TypeNumber, forms.TypeDate},
	MatchCaseInsensitive: {forms.TypeText, forms.TypeEmail, forms.TypeURL},
	MatchEmail:           {forms.TypeEmail, forms.TypeText},
	MatchPhone:           {forms.TypePhone, forms.TypeText},
	MatchFuzzy:           {forms.TypeText},
}

// MaxDuplicateRules bounds an object's rules: each condition is an index every write maintains.
const (
	MaxDuplicateRules      = 10
	MaxDuplicateConditions = 4
)

// CheckDuplicateRules reports every problem of an object's rules at once, each at its JSON
// pointer. objectOf answers an object's definition by name (nil when there is none).
func CheckDuplicateRules(d *DuplicateRules, objectOf func(string) *forms.Object) []forms.Problem {
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	self := objectOf(d.Object)
	if self == nil {
		bad("/object", "unknown_object", "no object %q", d.Object)
		return probs
	}
	if len(d.Rules) > MaxDuplicateRules {
		bad("/rules", "too_many_rules", "an object has at most %d duplicate rules", MaxDuplicateRules)
	}
	names := map[string]bool{}
	for i, r := range d.Rules {
		at := fmt.Sprintf("/rules/%d", i)
		switch {
		case !forms.NamePattern.MatchString(r.Name):
			bad(at+"/name", "invalid_name", "a rule name starts with a lower-case letter and holds only a-z, 0-9 and _")
		case names[r.Name]:
			bad(at+"/name", "duplicate_name", "two rules are named %q", r.Name)
		}
		names[r.Name] = true
		if r.Action != DuplicateBlock && r.Action != DuplicateWarn {
			bad(at+"/action", "invalid_option", "action %q is not block or warn", r.Action)
		}
		other := self
		if r.Against != "" && r.Against != d.Object {
			if other = objectOf(r.Against); other == nil {
				bad(at+"/against", "unknown_object", "no object %q", r.Against)
			}
		}
		if len(r.Conditions) == 0 || len(r.Conditions) > MaxDuplicateConditions {
			bad(at+"/conditions", "invalid_option", "a rule has 1 to %d conditions", MaxDuplicateConditions)
		}
		for j, c := range r.Conditions {
			cat := fmt.Sprintf("%s/conditions/%d", at, j)
			types, known := matchTypes[c.Match]
			if !known {
				bad(cat+"/match", "invalid_option", "match %q is not one of exact, case_insensitive, email, phone, fuzzy", c.Match)
			}
			checkSide := func(obj *forms.Object, name, ptr string) {
				f := obj.Field(name)
				switch {
				case f == nil:
					bad(ptr, "unknown_field", "%s has no field %q", obj.Name, name)
				case known && !slices.Contains(types, f.Type):
					bad(ptr, "invalid_field", "a %s match does not read a %s field", c.Match, f.Type)
				}
			}
			checkSide(self, c.Field, cat+"/field")
			if other != nil {
				checkSide(other, c.Other(), cat+"/against_field")
			}
			if c.Threshold != 0 && (c.Match != MatchFuzzy || c.Threshold < 0.5 || c.Threshold > 1) {
				bad(cat+"/threshold", "invalid_option", "a threshold belongs to a fuzzy match and lies between 0.5 and 1")
			}
			if c.Region != "" && (c.Match != MatchPhone || !knownRegion(c.Region)) {
				bad(cat+"/region", "invalid_option", "a region belongs to a phone match and is a country code such as CN or US")
			}
		}
	}
	return probs
}

// KeyPrefix starts the names of the normalized keys records carry; object fields may not use it.
const KeyPrefix = forms.KeyPrefix

// keyShort abbreviates each match kind in key names.
var keyShort = map[string]string{MatchExact: "x", MatchCaseInsensitive: "ci", MatchEmail: "em", MatchPhone: "ph", MatchFuzzy: "fz",
	MatchFuzzyTail: "ft", MatchWord2: "w2", MatchWord3: "w3", MatchDigits: "dg"}

// KeyField is the name of the stored key of a field under a match kind. A name that would pass
// the store's 63 characters is shortened with a hash of the field.
func KeyField(field, match string) string {
	short := keyShort[match]
	name := KeyPrefix + short + "_" + field
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(field))
		name = KeyPrefix + short + "_" + hex.EncodeToString(sum[:8])
	}
	return name
}

// KeySpec is one normalized key an object's records carry: which field, compared how.
type KeySpec struct {
	Field  string
	Match  string
	Region string // phone
}

// Name is the stored key's field name.
func (k KeySpec) Name() string { return KeyField(k.Field, k.Match) }

// KeySpecs lists the keys each object's records carry for a set of rules (every object's): the
// conditions' own fields on the rule's object, and their other side on the object searched.
// A phone key is read in one region per field: the first condition's.
func KeySpecs(all []*DuplicateRules) map[string][]KeySpec {
	out := map[string][]KeySpec{}
	add := func(object string, k KeySpec) {
		for _, have := range out[object] {
			if have.Name() == k.Name() {
				return
			}
		}
		out[object] = append(out[object], k)
	}
	for _, d := range all {
		for _, r := range d.Rules {
			if r.Disabled {
				continue
			}
			for _, c := range r.Conditions {
				add(d.Object, KeySpec{Field: c.Field, Match: c.Match, Region: c.PhoneRegion()})
				add(r.Target(d.Object), KeySpec{Field: c.Other(), Match: c.Match, Region: c.PhoneRegion()})
				if c.Match == MatchFuzzy { // the search from the name's end (duplicate_keys.go)
					add(d.Object, KeySpec{Field: c.Field, Match: MatchFuzzyTail})
					add(r.Target(d.Object), KeySpec{Field: c.Other(), Match: MatchFuzzyTail})
				}
			}
		}
	}
	return out
}
