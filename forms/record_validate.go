package forms

// Validate checks a whole record's wire values (decoded from JSON with UseNumber: json.Number,
// string, bool, []any, nil) and returns their stored form, or every field error at once, worded in
// locale. Null means "no value": it is left out of the stored values, and refused for a required
// field. An empty string means "no value" too, as a cleared form input sends it, so that an empty
// optional email or date is not a format error and two empty unique values never collide. Keys the
// object does not define are refused with "unknown_field".
//
// Validation runs in two steps: the JSON Schema (the same checks the browser makes), then, for
// each field the schema accepted, the type's conversion, which also makes the checks a schema
// cannot make exactly (decimal scale, currency amounts, int64 range).
func (c *Compiled) Validate(values map[string]any, locale string) (map[string]any, []FieldError) {
	values = blanksToNull(values)
	var issues []fieldIssue
	if err := c.schema.Validate(values); err != nil {
		issues = c.schemaIssues(err, issues)
	}
	stored := make(map[string]any, len(values))
	for i, f := range c.Object.Fields {
		v, ok := values[f.Name]
		if !ok || v == nil || hasIssue(issues, f.Name) {
			continue
		}
		t := c.types[i]
		s, is := t.store(f, v)
		if is == nil {
			if lc, ok := t.(limitChecker); ok {
				is = lc.limits(f, s)
			}
		}
		if is != nil {
			issues = append(issues, fieldIssue{field: f.Name, issue: *is})
			continue
		}
		stored[f.Name] = s
	}
	if len(issues) > 0 {
		return nil, wordErrors(issues, c.order, locale)
	}
	return stored, nil
}

// Output turns stored values into wire values, leaving out null values and keys the object does
// not define (system fields are the engine's to add).
func (c *Compiled) Output(stored map[string]any) map[string]any {
	out := make(map[string]any, len(stored))
	for k, v := range stored {
		i, ok := c.order[k]
		if !ok || v == nil {
			continue
		}
		out[k] = c.types[i].wire(c.Object.Fields[i], v)
	}
	return out
}

// blanksToNull returns values with empty strings replaced by null (a copy; the caller's map is
// not changed).
func blanksToNull(values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if v == "" {
			v = nil
		}
		out[k] = v
	}
	return out
}

func hasIssue(issues []fieldIssue, field string) bool {
	for _, is := range issues {
		if is.field == field {
			return true
		}
	}
	return false
}
