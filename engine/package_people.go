package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"crm/forms"
)

// A package names people by email, never by id: ids are made by each database, emails are what
// the same person has on every server. Export turns ids into emails; import turns emails (or, for
// a package exported by an older version on this same server, ids) back into this database's ids.
//
// A reference to nobody on the target is a problem (`unknown_user` at its pointer) and nothing is
// imported: dropping it silently could weaken an approval process or an assignment rule. An
// admin who means to import without those people passes DropUnknownUsers: each such reference is
// then removed (a list loses the entry, a single reference is emptied, so a rule falls back as
// documented for "nobody") and the result lists it under dropped_people; if a definition is no
// longer valid without it, its own check says so.

// ImportOptions tune ImportPackage.
type ImportOptions struct {
	DryRun bool
	// DropUnknownUsers removes references to people the target database does not have, instead
	// of refusing the package.
	DropUnknownUsers bool
}

// eachPerson calls f for every string at pattern (member names; "*" is every element of a list)
// inside v. f returns the replacement and whether to keep it; a list drops entries not kept,
// a member not kept is deleted.
func eachPerson(v any, pattern []string, at string, f func(at, ref string) (string, bool)) {
	if len(pattern) == 0 {
		return
	}
	head, rest := pattern[0], pattern[1:]
	switch x := v.(type) {
	case map[string]any:
		c, ok := x[head]
		if !ok {
			return
		}
		if len(rest) > 0 {
			eachPerson(c, rest, at+"/"+head, f)
			return
		}
		if s, ok := c.(string); ok && s != "" {
			if n, keep := f(at+"/"+head, s); keep {
				x[head] = n
			} else {
				delete(x, head)
			}
		}
	case []any:
		if head != "*" {
			return
		}
		if len(rest) > 0 {
			for i, c := range x {
				eachPerson(c, rest, at+"/"+strconv.Itoa(i), f)
			}
			return
		}
		// A list of people: map each, dropping those not kept (in place: the slice header in
		// the parent is rewritten below through the parent's pattern step).
		kept := x[:0]
		for i, c := range x {
			s, ok := c.(string)
			if !ok {
				kept = append(kept, c)
				continue
			}
			if n, keep := f(at+"/"+strconv.Itoa(i), s); keep {
				kept = append(kept, n)
			}
		}
		for i := len(kept); i < len(x); i++ {
			x[i] = nil
		}
	}
}

// mapPeople applies f at every people pattern of the section in m. Lists shortened by f are
// trimmed of the nil tail eachPerson leaves.
func (s *section) mapPeople(m map[string]any, at string, f func(at, ref string) (string, bool)) {
	for _, p := range s.people {
		eachPerson(m, strings.Split(p, "/"), at, f)
	}
	trimNils(m)
}

// trimNils removes the nil entries eachPerson leaves at the end of a shortened list.
func trimNils(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			x[k] = trimNils(c)
		}
	case []any:
		n := len(x)
		for n > 0 && x[n-1] == nil {
			n--
		}
		x = x[:n]
		for i, c := range x {
			x[i] = trimNils(c)
		}
		return x
	}
	return v
}

// exportPeople writes users as emails, and a team's members (kept on the users) as a list.
func (e *Engine) exportPeople(ctx context.Context, s *section, m map[string]any) error {
	dir, err := e.directory(ctx)
	if err != nil {
		return err
	}
	s.mapPeople(m, "", func(_, id string) (string, bool) {
		if u := dir.users[id]; u != nil {
			return u.Email, true
		}
		return id, true // nobody by that id here either: the import says so
	})
	if s.key == "teams" {
		if t := dir.teams[s.name(m)]; t != nil {
			var emails []any
			for _, id := range dir.withMembers(t).Members {
				if u := dir.users[id]; u != nil {
					emails = append(emails, u.Email)
				}
			}
			sort.Slice(emails, func(i, j int) bool { return emails[i].(string) < emails[j].(string) })
			if len(emails) > 0 {
				m["members"] = emails
			}
		}
	}
	return nil
}

// importPeople turns the package's people into this database's user ids, in place. Unknown
// people are problems, or with drop, removed and listed.
func (e *Engine) importPeople(ctx context.Context, p *Package, drop bool) (probs []forms.Problem, dropped []string, err error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, nil, err
	}
	byEmail := make(map[string]string, len(dir.users))
	for id, u := range dir.users {
		byEmail[strings.ToLower(u.Email)] = id
	}
	resolve := func(at, ref string) (string, bool) {
		if id, ok := byEmail[strings.ToLower(strings.TrimSpace(ref))]; ok {
			return id, true
		}
		if dir.users[ref] != nil {
			return ref, true // an id of this database (a package exported before emails)
		}
		if drop {
			dropped = append(dropped, at+": "+ref)
			return "", false
		}
		probs = append(probs, forms.Problem{Pointer: at, Code: "unknown_user",
			Message: fmt.Sprintf("no user with email %q on this server: create the user first, or import with missing users dropped", ref)})
		return "", false
	}
	for _, s := range packageSections() {
		for i, m := range p.Parts[s.key] {
			at := fmt.Sprintf("/%s/%d", s.key, i)
			s.mapPeople(m, at, resolve)
			if s.key == "teams" {
				if list, ok := m["members"].([]any); ok {
					eachPerson(m, []string{"members", "*"}, at, resolve)
					m["members"] = trimNils(list)
				}
			}
		}
	}
	return probs, dropped, nil
}

// packageMembers are the team memberships a package adds: team id -> user ids.
func packageMembers(p *Package) map[string][]string {
	out := map[string][]string{}
	for _, m := range p.Parts["teams"] {
		id, _ := m["id"].(string)
		for _, u := range stringList(m["members"]) {
			if u != "" {
				out[id] = append(out[id], u)
			}
		}
	}
	return out
}

// addMembers makes each listed user a member of the team. A package adds members and never
// removes one: the target's own people stay in their teams.
func (e *Engine) addMembers(ctx context.Context, by *Actor, members map[string][]string, dryRun bool) ([]string, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	teams := make([]string, 0, len(members))
	for t := range members {
		teams = append(teams, t)
	}
	sort.Strings(teams)
	var added []string
	adds := map[string][]string{} // user -> teams to add
	var order []string
	for _, t := range teams {
		for _, id := range members[t] {
			u := dir.users[id]
			if u == nil || slices.Contains(u.Teams, t) || slices.Contains(adds[id], t) {
				continue
			}
			if adds[id] == nil {
				order = append(order, id)
			}
			adds[id] = append(adds[id], t)
			added = append(added, t+": "+u.Email)
		}
	}
	if dryRun {
		return added, nil
	}
	for _, id := range order {
		teams := append(append([]string{}, dir.users[id].Teams...), adds[id]...)
		if _, err := e.SaveUser(ctx, by, id, UserInput{Teams: &teams}, 0); err != nil {
			return nil, err
		}
	}
	return added, nil
}
