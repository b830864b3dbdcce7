package forms

// TypeEmail is an email address.
const TypeEmail = "email"

// emailType is an email address, checked by the schema's "email" format on the server and by Ajv
// in the browser alike.
type emailType struct{}

var _ fieldType = emailType{}

func init() { register(TypeEmail, emailType{}) }

func (emailType) allows() option { return optStored | optLengths }

func (emailType) check(*Field, string, *report) {}

func (emailType) schema(f *Field) map[string]any {
	s := stringSchema(f)
	s["format"] = "email"
	return s
}

func (emailType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (emailType) wire(_ *Field, v any) any { return v }
