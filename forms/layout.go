package forms

// Layout arranges an object's fields into sections for a generated form. An object may have several
// (for example a compact one for quick create); the first is the default.
type Layout struct {
	Name     string    `json:"name"`
	Sections []Section `json:"sections"`
}

// Section is a titled group of fields laid out in 1 to 3 columns (0 means 1).
type Section struct {
	Label   Label    `json:"label,omitempty"`
	Columns int      `json:"columns,omitempty"`
	Fields  []string `json:"fields"`
}

// maxColumns is the widest section a form renders.
const maxColumns = 3
