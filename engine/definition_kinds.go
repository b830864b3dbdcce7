package engine

import (
	"context"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// The kinds of definition as the engine's own calls name them: the store collection, and the
// code and label of their errors and audit actions (automation_not_found, automation_saved).
var (
	teamsKind             = namedKind{coll: collTeams, code: "team", label: "team"}
	rolesKind             = namedKind{coll: collRoles, code: "role", label: "role"}
	objectsKind           = namedKind{coll: collObjects, code: "object", label: "object"} // audited as definition_created, ...
	calendarsKind         = namedKind{coll: collCalendars, code: "calendar", label: "calendar"}
	slaPoliciesKind       = namedKind{coll: collSLAPolicies, code: "sla_policy", label: "SLA policy"}
	assignmentKind        = namedKind{coll: collAssignment, code: "assignment_rules", label: "assignment rules"}
	approvalProcessesKind = namedKind{coll: collApprovalProcs, code: "approval_process", label: "approval process"}
	automationsKind       = namedKind{coll: collAutomations, code: "automation", label: "automation"}
	dashboardsKind        = namedKind{coll: collDashboards, code: "dashboard", label: "dashboard"}
	// reportsKind is in report_defs.go.
	duplicateRulesKind = namedKind{coll: collDuplicateRules, code: "duplicate_rules", label: "duplicate rules"}
)

// DefinitionKind is one kind of definition: its store collection and names, its package section
// and its HTTP routes. DefinitionKinds lists every kind; package export and import and the API's
// definition routes are driven from it, so a new kind is one entry there (and one namedKind above
// for the engine's calls that store it).
//
// Saved list views are not a kind: they are one user's preferences, not part of a package, with
// server-made ids and routes of their own (routes_views.go).
type DefinitionKind struct {
	Key   string // the package section: "automations"
	Path  string // the API path under /api: "/meta/automations"
	Param string // the path parameter naming one: "name", "id"
	// Versions: GET one answers ?version=N as well (approval processes keep every version).
	Versions bool
	// API is the kind's engine calls as the generic definition routes use them; nil for objects
	// and assignment rules, whose routes are their own (routes_meta.go, routes_assignment.go).
	API DefinitionAPI

	named   namedKind
	section section // its key comes from Key; served fills decode, list and save when not set
}

// DefinitionAPI is a kind's engine calls without their types, for the one HTTP shape the
// definitions share (list, get, create, replace, delete). Each answer comes with its version.
type DefinitionAPI interface {
	New() any                  // an empty input to decode a request body into
	SetKey(in any, key string) // the key in a PUT's path names what it replaces
	List(ctx context.Context, e *Engine, by *Actor, object string) ([]any, error)
	Get(ctx context.Context, e *Engine, by *Actor, key string, version int64) (any, int64, error)
	Save(ctx context.Context, e *Engine, by *Actor, in any, create bool, ifMatch int64) (any, int64, error)
	Delete(ctx context.Context, e *Engine, by *Actor, key string) error
}

// actionPeople are where workflow actions under prefix name users (see package_people.go).
func actionPeople(prefix string) []string {
	return []string{prefix + "to/users/*", prefix + "target/user", prefix + "target/users/*"}
}

// slaPeople: an SLA policy's warnings and escalations run actions.
var slaPeople = append(actionPeople("warnings/*/actions/*/"), actionPeople("escalations/*/actions/*/")...)

// DefinitionKinds lists every kind of definition in the order a package is applied: what later
// ones name comes first. Roles come twice (planPackage): new roles are created empty before the
// objects (whose sharing rules may name them) and get their permissions after the objects exist.
func DefinitionKinds() []*DefinitionKind {
	return []*DefinitionKind{
		served(DefinitionKind{Key: "teams", Path: "/teams", Param: "id", named: teamsKind,
			section: section{id: "id", server: []string{"version", "members"}, people: []string{"lead"}}},
			typedAPI[Team, Team]{
				setKey: func(t *Team, id string) { t.ID = id }, version: func(t *Team) int64 { return t.Version },
				list: listAll((*Engine).ListTeams), get: getLatest((*Engine).GetTeam),
				save: (*Engine).SaveTeam, remove: (*Engine).DeleteTeam}),
		served(DefinitionKind{Key: "roles", Path: "/roles", Param: "name", named: rolesKind,
			section: section{id: "name", server: []string{"version", "builtin"}, list: packageRoles}},
			typedAPI[Role, Role]{
				setKey: func(r *Role, name string) { r.Name = name }, version: func(r *Role) int64 { return r.Version },
				list: listAll((*Engine).ListRoles), get: getLatest((*Engine).GetRole),
				save: (*Engine).SaveRole, remove: (*Engine).DeleteRole}),
		{Key: "objects", Path: "/meta/objects", Param: "object", named: objectsKind,
			section: section{id: "name", server: DefinitionServerKeys,
				decode: func(b []byte) (any, []forms.Problem, error) { return forms.DecodeObject(b) },
				list:   packageObjects, save: savePackageObject}},
		served(DefinitionKind{Key: "calendars", Path: "/meta/calendars", Param: "name", named: calendarsKind,
			section: section{id: "name", server: []string{"version"}}},
			typedAPI[workflow.Calendar, CalendarDef]{
				setKey:  func(c *workflow.Calendar, name string) { c.Name = name },
				version: func(c *CalendarDef) int64 { return c.Version },
				list:    listAll((*Engine).ListCalendars), get: getLatest((*Engine).GetCalendar),
				save: (*Engine).SaveCalendar, remove: (*Engine).DeleteCalendar}),
		served(DefinitionKind{Key: "sla_policies", Path: "/meta/sla-policies", Param: "name", named: slaPoliciesKind,
			section: section{id: "name", server: []string{"version"}, people: slaPeople}},
			typedAPI[workflow.SLAPolicy, SLAPolicyDef]{
				setKey:  func(p *workflow.SLAPolicy, name string) { p.Name = name },
				version: func(p *SLAPolicyDef) int64 { return p.Version },
				list:    (*Engine).ListSLAPolicies, get: getLatest((*Engine).GetSLAPolicy),
				save: (*Engine).SaveSLAPolicy, remove: (*Engine).DeleteSLAPolicy}),
		{Key: "assignment_rules", Path: "/meta/assignment-rules", Param: "object", named: assignmentKind,
			section: section{id: "object", server: []string{"version"},
				people: []string{"fallback", "rules/*/target/user", "rules/*/target/users/*"},
				decode: strictDecoder[workflow.AssignmentRules](),
				list:   packageAssignmentRules, save: savePackageAssignmentRules}},
		served(DefinitionKind{Key: "duplicate_rules", Path: "/meta/duplicate-rules", Param: "object", named: duplicateRulesKind,
			section: section{id: "object", server: []string{"version"}}},
			typedAPI[workflow.DuplicateRules, DuplicateRulesDef]{
				setKey:  func(d *workflow.DuplicateRules, object string) { d.Object = object },
				version: func(d *DuplicateRulesDef) int64 { return d.Version },
				list:    (*Engine).ListDuplicateRules, get: getLatest((*Engine).GetDuplicateRules),
				save: (*Engine).SaveDuplicateRules, remove: (*Engine).DeleteDuplicateRules}),
		served(DefinitionKind{Key: "approval_processes", Path: "/meta/approval-processes", Param: "name", Versions: true,
			named: approvalProcessesKind, section: section{id: "name", server: []string{"version"},
				people: []string{"fallback_approver", "nodes/*/approvers/*/users/*", "nodes/*/notify/to/users/*"}}},
			typedAPI[workflow.ApprovalProcess, ApprovalProcessDef]{
				setKey:  func(p *workflow.ApprovalProcess, name string) { p.Name = name },
				version: func(p *ApprovalProcessDef) int64 { return p.Version },
				list:    (*Engine).ListApprovalProcesses, get: (*Engine).GetApprovalProcess,
				save: (*Engine).SaveApprovalProcess, remove: (*Engine).DeleteApprovalProcess}),
		served(DefinitionKind{Key: "automations", Path: "/meta/automations", Param: "name", named: automationsKind,
			section: section{id: "name", server: []string{"version"}, people: actionPeople("actions/*/")}},
			typedAPI[workflow.Automation, AutomationDef]{
				setKey:  func(a *workflow.Automation, name string) { a.Name = name },
				version: func(a *AutomationDef) int64 { return a.Version },
				list:    (*Engine).ListAutomations, get: getLatest((*Engine).GetAutomation),
				save: (*Engine).SaveAutomation, remove: (*Engine).DeleteAutomation}),
		served(DefinitionKind{Key: "reports", Path: "/reports", Param: "name", named: reportsKind,
			section: section{id: "name", server: []string{"version", "owner"}}},
			typedAPI[forms.Report, forms.Report]{
				setKey:  func(r *forms.Report, name string) { r.Name = name },
				version: func(r *forms.Report) int64 { return r.Version },
				list:    listAll((*Engine).ListReports), get: getLatest((*Engine).GetReport),
				save: (*Engine).SaveReport, remove: (*Engine).DeleteReport}),
		served(DefinitionKind{Key: "dashboards", Path: "/meta/dashboards", Param: "name", named: dashboardsKind,
			section: section{id: "name", server: []string{"version"}}},
			typedAPI[Dashboard, DashboardDef]{
				setKey:  func(d *Dashboard, name string) { d.Name = name },
				version: func(d *DashboardDef) int64 { return d.Version },
				list:    listAll((*Engine).ListDashboards), get: getLatest((*Engine).GetDashboard),
				save: (*Engine).SaveDashboard, remove: (*Engine).DeleteDashboard}),
		served(DefinitionKind{Key: "web_forms", Path: "/meta/web-forms", Param: "name", named: webFormsKind,
			section: section{id: "name", server: []string{"version"}}},
			typedAPI[forms.WebForm, WebFormDef]{
				setKey:  func(w *forms.WebForm, name string) { w.Name = name },
				version: func(w *WebFormDef) int64 { return w.Version },
				list:    (*Engine).ListWebForms, get: getLatest((*Engine).GetWebForm),
				save: (*Engine).SaveWebForm, remove: (*Engine).DeleteWebForm}),
		served(DefinitionKind{Key: "email_templates", Path: "/meta/email-templates", Param: "name", named: emailTemplatesKind,
			section: section{id: "name", server: []string{"version"}}},
			typedAPI[workflow.EmailTemplate, EmailTemplateDef]{
				setKey:  func(t *workflow.EmailTemplate, name string) { t.Name = name },
				version: func(t *EmailTemplateDef) int64 { return t.Version },
				list:    (*Engine).ListEmailTemplates, get: getLatest((*Engine).GetEmailTemplate),
				save: (*Engine).SaveEmailTemplate, remove: (*Engine).DeleteEmailTemplate}),
	}
}

// served is a kind the generic definition routes serve; its package section decodes, reads and
// saves through the same calls unless its entry says otherwise.
func served[In, Out any](k DefinitionKind, api typedAPI[In, Out]) *DefinitionKind {
	k.API = api
	if k.section.decode == nil {
		k.section.decode = strictDecoder[In]()
	}
	if k.section.list == nil {
		k.section.list = func(ctx context.Context, e *Engine) ([]any, error) { return api.List(ctx, e, SystemActor, "") }
	}
	if k.section.save == nil {
		k.section.save = func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
			_, _, err := api.Save(ctx, e, by, v, !exists, 0)
			return err
		}
	}
	return &k
}

// typedAPI is a kind's engine calls with their types: In is what a client sends, Out what the
// engine answers.
type typedAPI[In, Out any] struct {
	setKey  func(*In, string)
	version func(*Out) int64
	list    func(*Engine, context.Context, *Actor, string) ([]*Out, error)
	get     func(*Engine, context.Context, *Actor, string, int64) (*Out, error)
	save    func(*Engine, context.Context, *Actor, *In, bool, int64) (*Out, error)
	remove  func(*Engine, context.Context, *Actor, string) error
}

func (a typedAPI[In, Out]) New() any                  { return new(In) }
func (a typedAPI[In, Out]) SetKey(in any, key string) { a.setKey(in.(*In), key) }

func (a typedAPI[In, Out]) List(ctx context.Context, e *Engine, by *Actor, object string) ([]any, error) {
	out, err := a.list(e, ctx, by, object)
	return anySlice(out), err
}

func (a typedAPI[In, Out]) Get(ctx context.Context, e *Engine, by *Actor, key string, version int64) (any, int64, error) {
	return a.answer(a.get(e, ctx, by, key, version))
}

func (a typedAPI[In, Out]) Save(ctx context.Context, e *Engine, by *Actor, in any, create bool, ifMatch int64) (any, int64, error) {
	return a.answer(a.save(e, ctx, by, in.(*In), create, ifMatch))
}

func (a typedAPI[In, Out]) Delete(ctx context.Context, e *Engine, by *Actor, key string) error {
	return a.remove(e, ctx, by, key)
}

func (a typedAPI[In, Out]) answer(out *Out, err error) (any, int64, error) {
	if err != nil {
		return nil, 0, err
	}
	return out, a.version(out), nil
}

// listAll is the list call of a kind that lists every one whatever the object.
func listAll[Out any](list func(*Engine, context.Context, *Actor) ([]*Out, error)) func(*Engine, context.Context, *Actor, string) ([]*Out, error) {
	return func(e *Engine, ctx context.Context, by *Actor, _ string) ([]*Out, error) { return list(e, ctx, by) }
}

// getLatest is the get call of a kind that keeps only its current version.
func getLatest[Out any](get func(*Engine, context.Context, *Actor, string) (*Out, error)) func(*Engine, context.Context, *Actor, string, int64) (*Out, error) {
	return func(e *Engine, ctx context.Context, by *Actor, key string, _ int64) (*Out, error) {
		return get(e, ctx, by, key)
	}
}

// packageRoles are the roles a package carries: every one but admin, which is fixed.
func packageRoles(ctx context.Context, e *Engine) ([]any, error) {
	rs, err := e.ListRoles(ctx, SystemActor)
	var out []any
	for _, r := range rs {
		if r.Name != RoleAdmin {
			out = append(out, r)
		}
	}
	return out, err
}

func packageObjects(ctx context.Context, e *Engine) ([]any, error) {
	os, err := e.ListObjects(ctx, SystemActor)
	out := make([]any, len(os))
	for i, o := range os {
		out[i] = o.Object
	}
	return out, err
}

func savePackageObject(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
	o := v.(*forms.Object)
	if exists {
		_, err := e.UpdateObject(ctx, by, o.Name, o, 0)
		return err
	}
	_, err := e.CreateObject(ctx, by, o)
	return err
}

func packageAssignmentRules(ctx context.Context, e *Engine) ([]any, error) {
	docs, err := e.store.Find(ctx, collAssignment, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]any, 0, len(docs))
	for _, d := range docs {
		var a workflow.AssignmentRules
		if err := decodeDoc(collAssignment, d, &a); err != nil {
			return nil, err
		}
		out = append(out, &a)
	}
	return out, nil
}

func savePackageAssignmentRules(ctx context.Context, e *Engine, by *Actor, v any, _ bool) error {
	a := v.(*workflow.AssignmentRules)
	_, err := e.SaveAssignmentRules(ctx, by, a.Object, a, 0)
	return err
}

// Code is the stem of the kind's error codes: "automation" makes automation_not_found and
// automation_exists. The API's OpenAPI document names them per route.
func (k *DefinitionKind) Code() string { return k.named.code }

// Label is the kind's name for one of it, in English: "SLA policy".
func (k *DefinitionKind) Label() string { return k.named.label }
