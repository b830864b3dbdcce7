package forms

// TypeTextarea is multi-line text.
const TypeTextarea = "textarea"

// textareaType is long, multi-line text. It cannot be unique or indexed: long values make poor
// index keys and nobody looks records up by a paragraph.
type textareaType struct{}

var _ fieldType = textareaType{}

func init() { register(TypeTextarea, textareaType{}) }

func (textareaType) allows() option {
	return optRequired | optDefault | optEntered | optLengths | optPattern
}

func (textareaType) check(*Field, string, *report) {}

func (textareaType) schema(f *Field) map[string]any { return stringSchema(f) }

func (textareaType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (textareaType) wire(_ *Field, v any) any { return v }
