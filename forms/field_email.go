package forms

import "strings"

// TypeEmail is an email address.
const TypeEmail = "email"

// emailType is an email address, checked by the schema's "email" format on the server and by Ajv
// in the browser alike.
type emailType struct{}

var _ fieldType = emailType{}

func init() { register(TypeEmail, emailType{}) }

func (emailType) allows() option { return optStored | optLengths | optSearchable }

func (emailType) check(*Field, string, *report) {}

func (emailType) schema(f *Field) map[string]any {
	s := stringSchema(f)
	s["format"] = "email"
	return s
}

// store keeps an address in lower case: mail systems treat addresses without regard to case, so
// uniqueness, duplicate checks and filters must too, the same way on every backend.
func (emailType) store(_ *Field, v any) (any, *issue) {
	s, is := storeString(v)
	if is != nil {
		return nil, is
	}
	return strings.ToLower(s.(string)), nil
}

func (emailType) wire(_ *Field, v any) any { return v }
