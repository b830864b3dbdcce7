package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
)

// DemoPassword is the password of every demo user, printed by `crm template apply --demo`: demo
// data is for trying the product on one machine, never for production.
const DemoPassword = "Demo-CRM-2026!"

// Demo is a template's sample data: people and records that let a new user try every journey.
// People and records refer to each other by email and by key, so the file needs no ids.
type Demo struct {
	Users []struct {
		Email    string   `json:"email"`
		Name     string   `json:"name"`
		Roles    []string `json:"roles"`
		Manager  string   `json:"manager,omitempty"` // an email
		Teams    []string `json:"teams,omitempty"`
		Skills   []string `json:"skills,omitempty"`
		Locale   string   `json:"locale,omitempty"`
		Timezone string   `json:"timezone,omitempty"`
	} `json:"users"`
	TeamLeads map[string]string `json:"team_leads,omitempty"` // team id -> email
	Records   []struct {
		Object string            `json:"object"`
		Key    string            `json:"key"`
		Owner  string            `json:"owner,omitempty"` // an email, or a pool of the object
		Values map[string]any    `json:"values"`
		Links  map[string]string `json:"links,omitempty"` // lookup field -> key of an earlier record
	} `json:"records"`
}

// DemoSummary counts what ApplyDemo added.
type DemoSummary struct{ Users, Records int }

// ApplyDemo adds a template's sample users, team leads and records through the ordinary engine
// calls. Applying it again adds nothing: users are found by email, records have ids derived from
// their keys.
func (e *Engine) ApplyDemo(ctx context.Context, data []byte) (*DemoSummary, error) {
	var d Demo
	if err := decodeJSON(data, &d); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	sum := &DemoSummary{}
	byEmail := map[string]string{}
	users, err := e.ListUsers(ctx, SystemActor)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		byEmail[u.Email] = u.ID
	}
	password := DemoPassword
	for _, u := range d.Users {
		if byEmail[u.Email] != "" {
			continue
		}
		email, name, roles, teams, skills := u.Email, u.Name, u.Roles, u.Teams, u.Skills
		in := UserInput{Email: &email, Name: &name, Password: &password, Roles: &roles, Teams: &teams, Skills: &skills}
		if u.Locale != "" {
			in.Locale = &u.Locale
		}
		if u.Timezone != "" {
			in.Timezone = &u.Timezone
		}
		if mid := byEmail[u.Manager]; mid != "" {
			in.Manager = &mid
		}
		nu, err := e.SaveUser(ctx, SystemActor, "", in, 0)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		byEmail[u.Email] = nu.ID
		sum.Users++
	}
	for team, email := range d.TeamLeads {
		t, err := e.GetTeam(ctx, SystemActor, team)
		if err != nil {
			return nil, fmt.Errorf("demo team lead of %s: %w", team, err)
		}
		if t.Lead == byEmail[email] {
			continue
		}
		t.Lead = byEmail[email]
		if _, err := e.SaveTeam(ctx, SystemActor, t, false, 0); err != nil {
			return nil, fmt.Errorf("demo team lead of %s: %w", team, err)
		}
	}
	ids := map[string]string{}
	for _, r := range d.Records {
		id := derivedID("demo:" + r.Key)
		ids[r.Key] = id
		if _, err := e.store.Get(ctx, recordsColl(r.Object), id); err == nil {
			continue // added by an earlier run
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, storeErr(err)
		}
		vals := map[string]any{}
		for k, v := range r.Values {
			vals[k] = v
		}
		for field, key := range r.Links {
			if ids[key] == "" {
				return nil, fmt.Errorf("demo record %s links %s to %q, which is not an earlier record", r.Key, field, key)
			}
			vals[field] = ids[key]
		}
		owner := byEmail[r.Owner]
		if strings.HasPrefix(r.Owner, forms.PoolOwnerPrefix) {
			owner = r.Owner // a pool of the object ("pool:lead_pool")
		}
		if _, err := e.createRecord(ctx, SystemActor, r.Object, vals, "en", id, owner); err != nil {
			return nil, fmt.Errorf("demo record %s: %w", r.Key, describeProblems(err))
		}
		sum.Records++
	}
	return sum, nil
}

// describeProblems adds an error's field problems to its text.
func describeProblems(err error) error {
	var ee *Error
	if !errors.As(err, &ee) || len(ee.Fields) == 0 {
		return err
	}
	var parts []string
	for _, f := range ee.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(parts, "; "))
}
