package forms

// SearchFields are the fields the global search finds records by: those marked searchable, or,
// when none is, what people call a record by (its title field: name, title, subject, or the
// first text field) and its email and phone fields.
func (o *Object) SearchFields() []*Field {
	var marked, implied []*Field
	title := ""
	for _, n := range []string{"name", "title", "subject", "company"} {
		if f := o.Field(n); f != nil && f.Type == TypeText {
			title = n
			break
		}
	}
	for _, f := range o.Fields {
		if f == nil {
			continue
		}
		if f.Searchable {
			marked = append(marked, f)
		}
		if title == "" && f.Type == TypeText {
			title = f.Name
		}
		switch {
		case f.Name == title, f.Type == TypeEmail, f.Type == TypePhone,
			f.Name == "first_name" || f.Name == "last_name":
			implied = append(implied, f)
		}
	}
	if len(marked) > 0 {
		return marked
	}
	return implied
}
