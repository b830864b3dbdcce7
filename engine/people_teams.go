package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"crm/engine/store"
	"crm/forms"
)

// Teams: their lead and members, as admins edit them and assignment and approvals read them.

// Team is a group of users with a lead; membership is kept on the users.
type Team struct {
	ID      string      `json:"id"`
	Label   forms.Label `json:"label,omitempty"`
	Lead    string      `json:"lead,omitempty"`
	Members []string    `json:"members"`
	Version int64       `json:"version,omitempty"`
}

// ListTeams returns every team with its members.
func (e *Engine) ListTeams(ctx context.Context, by *Actor) ([]*Team, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Team, 0, len(dir.teams))
	for _, t := range dir.teams {
		out = append(out, dir.withMembers(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// GetTeam returns one team with its members.
func (e *Engine) GetTeam(ctx context.Context, by *Actor, id string) (*Team, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	if t := dir.teams[id]; t != nil {
		return dir.withMembers(t), nil
	}
	return nil, errorf(KindNotFound, "team_not_found", "no team %q", id)
}

func (d *directory) withMembers(t *Team) *Team {
	c := *t
	c.Members = []string{}
	for _, u := range d.users {
		if slices.Contains(u.Teams, t.ID) {
			c.Members = append(c.Members, u.ID)
		}
	}
	sort.Strings(c.Members)
	return &c
}

// SaveTeam creates (create) or changes a team. Admins only. The id is a name like "north_sales".
func (e *Engine) SaveTeam(ctx context.Context, by *Actor, t *Team, create bool, ifMatch int64) (*Team, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	var probs []forms.Problem
	if !forms.NamePattern.MatchString(t.ID) {
		probs = append(probs, forms.Problem{Pointer: "/id", Code: "invalid_name", Message: "a team id starts with a lower-case letter and holds only a-z, 0-9 and _"})
	}
	if t.Lead != "" && dir.users[t.Lead] == nil {
		probs = append(probs, forms.Problem{Pointer: "/lead", Code: "unknown_user", Message: fmt.Sprintf("no user %q", t.Lead)})
	}
	if len(probs) > 0 {
		return nil, &Error{Kind: KindValidation, Code: "invalid_team", Message: "the team is not valid", Problems: probs}
	}
	label := map[string]any{}
	for k, v := range t.Label {
		label[k] = v
	}
	doc := store.Doc{"id": t.ID, "label": label}
	if t.Lead != "" {
		doc["lead"] = t.Lead
	}
	if create {
		if err := e.store.Insert(ctx, collTeams, doc); err != nil {
			if errors.Is(err, store.ErrDuplicateID) {
				return nil, errorf(KindConflict, "team_exists", "a team %q exists", t.ID)
			}
			return nil, storeErr(err)
		}
		t.Version = 1
	} else {
		old := dir.teams[t.ID]
		if old == nil {
			return nil, errorf(KindNotFound, "team_not_found", "no team %q", t.ID)
		}
		v := old.Version
		if ifMatch != 0 {
			v = ifMatch
		}
		if err := e.store.Replace(ctx, collTeams, doc, v); err != nil {
			return nil, storeErr(err)
		}
		t.Version = v + 1
	}
	e.changedDirectory(ctx)
	e.audit(ctx, by, auditEntry{Action: teamsKind.audited("saved"), Object: "team", Record: t.ID})
	return e.GetTeam(ctx, by, t.ID)
}

// DeleteTeam removes a team without members.
func (e *Engine) DeleteTeam(ctx context.Context, by *Actor, id string) error {
	if !by.IsAdmin() {
		return ErrForbidden
	}
	t, err := e.GetTeam(ctx, by, id)
	if err != nil {
		return err
	}
	if len(t.Members) > 0 {
		return errorf(KindConflict, "team_in_use", "the team has %d member(s); move them first", len(t.Members))
	}
	if err := e.store.Delete(ctx, collTeams, id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err)
	}
	e.changedDirectory(ctx)
	e.audit(ctx, by, auditEntry{Action: teamsKind.audited("deleted"), Object: "team", Record: id})
	return nil
}

func teamFromDoc(d store.Doc) (*Team, error) {
	// Members are not stored: they are the users naming the team (withMembers).
	var stored struct {
		ID      string      `json:"id"`
		Label   forms.Label `json:"label"`
		Lead    string      `json:"lead"`
		Version int64       `json:"version"`
	}
	if err := decodeDoc(collTeams, d, &stored); err != nil {
		return nil, err
	}
	t := &Team{ID: stored.ID, Label: stored.Label, Lead: stored.Lead, Version: stored.Version}
	if t.Label == nil {
		t.Label = forms.Label{}
	}
	return t, nil
}
