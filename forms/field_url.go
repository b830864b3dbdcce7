package forms

// TypeURL is a web address.
const TypeURL = "url"

// urlPattern limits URLs to the web: a "javascript:" or "file:" URL shown as a link is a hazard.
const urlPattern = `^https?://`

// urlType is an absolute http or https URL.
type urlType struct{}

var _ fieldType = urlType{}

func init() { register(TypeURL, urlType{}) }

func (urlType) allows() option { return optStored | optLengths | optSearchable }

func (urlType) check(*Field, string, *report) {}

func (urlType) schema(f *Field) map[string]any {
	s := stringSchema(f)
	s["format"] = "uri"
	s["pattern"] = urlPattern
	return s
}

func (urlType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (urlType) wire(_ *Field, v any) any { return v }
