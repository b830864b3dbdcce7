package engine

import (
	"maps"
	"regexp"
	"strings"

	"crm/forms"
)

// The order a package's objects are saved in.

// lookupOrder puts objects after the objects their lookups target, so each save finds its
// targets (a lookup to itself is fine; the package order breaks cycles).
func lookupOrder(steps []step) []step {
	byName := map[string]int{}
	for i, s := range steps {
		byName[s.name] = i
	}
	done := make([]bool, len(steps))
	visiting := make([]bool, len(steps))
	var out []step
	var visit func(i int)
	visit = func(i int) {
		if done[i] || visiting[i] {
			return
		}
		visiting[i] = true
		fields, _ := steps[i].value["fields"].([]any)
		for _, f := range fields {
			if fm, ok := f.(map[string]any); ok {
				if t, ok := fm["target"].(string); ok {
					if j, ok := byName[t]; ok && j != i {
						visit(j)
					}
				}
			}
		}
		visiting[i], done[i] = false, true
		out = append(out, steps[i])
	}
	for i := range steps {
		visit(i)
	}
	return out
}

// rollupsLast saves objects with roll-ups after every other object: a roll-up's child usually
// looks up to its parent, so neither could be saved first. A new one is created without its
// roll-ups (and their places in layouts) in lookup order, then saved whole at the end.
func rollupsLast(steps []step) []step {
	var out, later []step
	for _, st := range steps {
		fields, _ := st.value["fields"].([]any)
		var kept []any
		rollups := map[string]bool{}
		for _, f := range fields {
			if fm, ok := f.(map[string]any); ok && fm["type"] == forms.TypeRollup {
				name, _ := fm["name"].(string)
				rollups[name] = true
				continue
			}
			kept = append(kept, f)
		}
		if len(rollups) == 0 {
			out = append(out, st)
			continue
		}
		if !st.exists {
			first := st
			first.value = withoutRollups(st.value, kept, rollups)
			out = append(out, first)
			st.exists, st.again = true, true
		}
		later = append(later, st)
	}
	return append(out, later...)
}

// withoutRollups is a definition's first pass: its fields without the roll-ups, and without
// whatever reads them, directly or through a formula (a formula over a roll-up, a rule or a
// condition naming one, an index over one): those come with the second save.
func withoutRollups(def map[string]any, fields []any, drop map[string]bool) map[string]any {
	out := maps.Clone(def)
	for changed := true; changed; { // formulas over formulas over roll-ups
		changed = false
		var keep []any
		for _, f := range fields {
			fm, _ := f.(map[string]any)
			if expr, _ := fm["expression"].(string); expr != "" && namesAny(expr, drop) {
				name, _ := fm["name"].(string)
				drop[name], changed = true, true
				continue
			}
			keep = append(keep, f)
		}
		fields = keep
	}
	for i, f := range fields {
		fm, ok := f.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"visible_when", "required_when", "read_only_when", "default_expression"} {
			if expr, _ := fm[k].(string); expr != "" && namesAny(expr, drop) {
				fm = maps.Clone(fm)
				delete(fm, k)
			}
		}
		fields[i] = fm
	}
	out["fields"] = fields
	out["layouts"] = layoutsWithout(def["layouts"], drop)
	if rules, ok := def["validation_rules"].([]any); ok {
		var keep []any
		for _, r := range rules {
			rm, _ := r.(map[string]any)
			if expr, _ := rm["error_when"].(string); !namesAny(expr, drop) {
				keep = append(keep, r)
			}
		}
		out["validation_rules"] = keep
	}
	if idx, ok := def["indexes"].([]any); ok {
		var keep []any
		for _, x := range idx {
			xm, _ := x.(map[string]any)
			fs, _ := xm["fields"].([]any)
			over := false
			for _, f := range fs {
				n, _ := f.(string)
				over = over || drop[strings.TrimPrefix(n, "-")]
			}
			if !over {
				keep = append(keep, x)
			}
		}
		out["indexes"] = keep
	}
	return out
}

// identifier finds the names an expression may read; a name inside a string literal counts too,
// which only moves a definition's part to the second save.
var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

func namesAny(expr string, names map[string]bool) bool {
	for _, n := range identifier.FindAllString(expr, -1) {
		if names[n] {
			return true
		}
	}
	return false
}

// layoutsWithout is a definition's layouts (as decoded JSON) without the named fields.
func layoutsWithout(layouts any, drop map[string]bool) any {
	ls, ok := layouts.([]any)
	if !ok {
		return layouts
	}
	out := make([]any, len(ls))
	for i, l := range ls {
		lm, ok := l.(map[string]any)
		if !ok {
			out[i] = l
			continue
		}
		lm = maps.Clone(lm)
		secs, _ := lm["sections"].([]any)
		newSecs := make([]any, len(secs))
		for j, s := range secs {
			sm, ok := s.(map[string]any)
			if !ok {
				newSecs[j] = s
				continue
			}
			sm = maps.Clone(sm)
			fs, _ := sm["fields"].([]any)
			var keep []any
			for _, f := range fs {
				if n, _ := f.(string); !drop[n] {
					keep = append(keep, f)
				}
			}
			sm["fields"] = keep
			newSecs[j] = sm
		}
		lm["sections"] = newSecs
		out[i] = lm
	}
	return out
}
