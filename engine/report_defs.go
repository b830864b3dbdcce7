package engine

import (
	"context"
	"slices"

	"crm/engine/query"
	"crm/forms"
)

// Reports live in meta_reports (id: the name). Any signed-in user makes one and owns it; who else
// reads it is its sharing (private: the owner; team: members of the owner's teams; everyone),
// admins read every one, and only the owner or an admin changes or deletes it. What a report
// shows is computed for its reader (RunReport), so sharing one never shares records.
const collReports = "meta_reports"

var reportsKind = namedKind{coll: collReports, code: "report", label: "report"}

// ListReports returns the reports the actor may read, by name.
func (e *Engine) ListReports(ctx context.Context, by *Actor) ([]*forms.Report, error) {
	all, err := findNamed[forms.Report](ctx, e, reportsKind, "")
	if err != nil {
		return nil, err
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*forms.Report, 0, len(all))
	for _, r := range all {
		if reportVisible(dir, by, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// GetReport returns one report the actor may read; one they may not read is not found.
func (e *Engine) GetReport(ctx context.Context, by *Actor, name string) (*forms.Report, error) {
	r, err := getNamed[forms.Report](ctx, e, reportsKind, name)
	if err != nil {
		return nil, err
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	if !reportVisible(dir, by, r) {
		return nil, reportsKind.notFound(name)
	}
	return r, nil
}

// reportVisible is the sharing of a report: its owner, admins, and by its sharing the members of
// the owner's teams or everyone.
func reportVisible(dir *directory, by *Actor, r *forms.Report) bool {
	if by.IsAdmin() || r.Owner == by.ID {
		return true
	}
	switch r.Sharing {
	case forms.ReportEveryone:
		return true
	case forms.ReportTeam:
		owner, me := dir.users[r.Owner], dir.users[by.ID]
		if owner == nil || me == nil {
			return false
		}
		for _, t := range owner.Teams {
			if slices.Contains(me.Teams, t) {
				return true
			}
		}
	}
	return false
}

// SaveReport creates (create; the actor owns it) or replaces a report after checking it against
// the objects' whole definitions. Replacing is the owner's or an admin's, and keeps the owner.
func (e *Engine) SaveReport(ctx context.Context, by *Actor, r *forms.Report, create bool, ifMatch int64) (*forms.Report, error) {
	r.Owner, r.Version = by.ID, 0
	if r.Sharing == "" {
		r.Sharing = forms.ReportPrivate
	}
	if !create {
		old, err := getNamed[forms.Report](ctx, e, reportsKind, r.Name)
		if err != nil {
			return nil, err
		}
		dir, err := e.directory(ctx)
		if err != nil {
			return nil, err
		}
		if !reportVisible(dir, by, old) {
			return nil, reportsKind.notFound(r.Name)
		}
		if old.Owner != by.ID && !by.IsAdmin() {
			return nil, errorf(KindForbidden, "forbidden", "only the owner of report %q or an admin may change it", r.Name)
		}
		r.Owner = old.Owner
	}
	if probs := e.checkReport(ctx, r); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	version, err := e.saveNamed(ctx, reportsKind, r.Name, r, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: reportsKind.audited("saved"), Record: r.Name})
	out := *r
	out.Version = version
	return &out, nil
}

// DeleteReport removes a report: its owner or an admin.
func (e *Engine) DeleteReport(ctx context.Context, by *Actor, name string) error {
	r, err := e.GetReport(ctx, by, name)
	if err != nil {
		return err
	}
	if r.Owner != by.ID && !by.IsAdmin() {
		return errorf(KindForbidden, "forbidden", "only the owner of report %q or an admin may delete it", name)
	}
	if err := e.deleteNamed(ctx, reportsKind, name); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: reportsKind.audited("deleted"), Record: name})
	return nil
}

// wholeFields answers a report's names against the objects' whole definitions (a definition
// being saved or checked: what a reader may see is checked when it runs).
type wholeFields struct {
	e   *Engine
	ctx context.Context
}

func (w wholeFields) Field(object, name string) *forms.Field {
	def, err := w.e.current(w.ctx, object)
	if err != nil {
		return nil
	}
	f, ok := query.FieldOf(def.obj, name)
	if !ok {
		return nil
	}
	return f
}

// checkReport finds every problem of a report: its shape and names (forms.CheckReport) and its
// filter in the list filter language, lookup paths included.
func (e *Engine) checkReport(ctx context.Context, r *forms.Report) []forms.Problem {
	probs := forms.CheckReport(r, wholeFields{e: e, ctx: ctx})
	def, err := e.current(ctx, r.Object)
	if err != nil {
		return probs
	}
	if err := checkFilter(r.Filter, def.obj, e.pathParents(ctx, nil)); err != nil {
		probs = append(probs, forms.Problem{Pointer: "/filter", Code: "invalid_filter", Message: errMessage(err)})
	}
	return probs
}
