package forms

import "fmt"

// checkLayouts checks that layouts have unique names, at least one section, 1 to 3 columns, and
// place only existing fields, each at most once per layout.
func checkLayouts(o *Object, r *report) {
	names := make(map[string]bool, len(o.Layouts))
	for k, l := range o.Layouts {
		at := fmt.Sprintf("/layouts/%d", k)
		switch {
		case l.Name == "":
			r.add(at+"/name", codeInvalidName, "a layout needs a name")
		case !NamePattern.MatchString(l.Name):
			r.add(at+"/name", codeInvalidName, "layout name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", l.Name)
		case names[l.Name]:
			r.add(at+"/name", codeDuplicateName, "layout name %q is used twice", l.Name)
		}
		names[l.Name] = true
		if len(l.Sections) == 0 {
			r.add(at+"/sections", codeInvalidLayout, "a layout needs at least one section")
		}
		placed := map[string]bool{}
		for s, sec := range l.Sections {
			sat := fmt.Sprintf("%s/sections/%d", at, s)
			checkLabel(sec.Label, sat+"/label", r)
			if sec.Columns < 0 || sec.Columns > maxColumns {
				r.add(sat+"/columns", codeInvalidLayout, "a section has 1 to %d columns", maxColumns)
			}
			for j, name := range sec.Fields {
				fat := fmt.Sprintf("%s/fields/%d", sat, j)
				switch {
				case o.Field(name) == nil:
					r.add(fat, codeUnknownField, "the object has no field %q", name)
				case placed[name]:
					r.add(fat, codeInvalidLayout, "field %q is placed twice in layout %q", name, l.Name)
				}
				placed[name] = true
			}
		}
	}
}
