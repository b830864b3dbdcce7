package forms

// Kinds of breaking changes.
const (
	ChangeRequired       = "required"        // a field became required (or a required field was added)
	ChangeType           = "type"            // stored values may no longer fit the field's type
	ChangeOptionsRemoved = "options_removed" // picklist values were removed
	ChangeUnique         = "unique"          // an existing field became unique
)

// Change is one definition change that may break stored records; the engine counts the records it
// affects before accepting the new definition.
type Change struct {
	Kind   string
	Field  string
	Values []string // options_removed: the removed values, in their old order
}

// Diff lists the changes from old to new that need checking against stored records, in the field
// order of new. A type change is a change of type, of a formula's result type, or of a currency
// with other minor units (CNY -> JPY changes what the stored integers mean). Removed fields and
// relaxed settings break nothing and are not listed; nor are new unique fields (they hold no
// values yet) or tightened limits (lengths, min, max), which the engine does not count.
func Diff(old, new *Object) []Change {
	var out []Change
	for _, nf := range new.Fields {
		if nf == nil {
			continue
		}
		of := old.Field(nf.Name)
		if of == nil {
			if nf.Required {
				out = append(out, Change{Kind: ChangeRequired, Field: nf.Name})
			}
			continue
		}
		if nf.Required && !of.Required {
			out = append(out, Change{Kind: ChangeRequired, Field: nf.Name})
		}
		if typeChanged(of, nf) {
			out = append(out, Change{Kind: ChangeType, Field: nf.Name})
		} else if removed := removedOptions(of, nf); len(removed) > 0 {
			out = append(out, Change{Kind: ChangeOptionsRemoved, Field: nf.Name, Values: removed})
		}
		if nf.Unique && !of.Unique {
			out = append(out, Change{Kind: ChangeUnique, Field: nf.Name})
		}
	}
	return out
}

func typeChanged(of, nf *Field) bool {
	if of.Type != nf.Type {
		return true
	}
	kind := nf.Type
	if kind == TypeFormula || kind == TypeRollup {
		if of.ResultType != nf.ResultType {
			return true
		}
		kind = nf.ResultType
	}
	return kind == TypeCurrency && minorDigits(of.Currency) != minorDigits(nf.Currency)
}

// removedOptions lists the option values of of that nf no longer has.
func removedOptions(of, nf *Field) []string {
	if nf.Type != TypePicklist && nf.Type != TypeMultipicklist {
		return nil
	}
	var removed []string
	for _, o := range of.Options {
		if !hasOption(nf, o.Value) {
			removed = append(removed, o.Value)
		}
	}
	return removed
}
