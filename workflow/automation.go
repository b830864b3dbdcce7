package workflow

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"crm/forms"
	"crm/rules"
)

// Trigger types of automations.
const (
	TriggerCreated          = "created"
	TriggerUpdated          = "updated"
	TriggerCreatedOrUpdated = "created_or_updated"
	TriggerDeleted          = "deleted"
	TriggerFieldChanged     = "field_changed"
	TriggerScheduled        = "scheduled"
	TriggerTimeRelative     = "time_relative"
	TriggerManual           = "manual"
)

// Action types of automations.
const (
	ActionUpdate  = "update"
	ActionCreate  = "create"
	ActionNotify  = "notify"
	ActionWebhook = "webhook"
	ActionAssign  = "assign"
	// ActionApproval submits the record to an approval process (the engine checks the process).
	ActionApproval = "approval"
	// ActionEmail sends an email template to recipients through the outbox (engine/email_*.go).
	ActionEmail = "email"
	// ActionReturnToPool gives the record back to a pool of its object with a reason (the
	// scheduled reclaim of a pool: no follow-up for N days). A record in a pool already stays.
	ActionReturnToPool = "return_to_pool"
)

// Automation reacts to records: when its trigger fires and its condition holds, its actions run.
type Automation struct {
	Name      string      `json:"name"`
	Label     forms.Label `json:"label,omitempty"`
	Object    string      `json:"object"`
	Disabled  bool        `json:"disabled,omitempty"`
	Trigger   Trigger     `json:"trigger"`
	Condition string      `json:"condition,omitempty"`
	Actions   []Action    `json:"actions"`
	// Controls names fields of the object that only this automation's updates set (an SLA
	// stamp): users cannot change them (see Controlled).
	Controls []string `json:"controlled_fields,omitempty"`
}

// Trigger says when an automation is considered.
type Trigger struct {
	Type   string   `json:"type"`
	Fields []string `json:"fields,omitempty"` // field_changed: any of these
	Cron   string   `json:"cron,omitempty"`   // scheduled: a cron spec, in UTC ("0 8 * * 1-5")
	Filter string   `json:"filter,omitempty"` // scheduled: the records it runs for (filter language)
	Field  string   `json:"field,omitempty"`  // time_relative: a date or datetime field
	Offset string   `json:"offset,omitempty"` // time_relative: "7d", "-2h", "30m" from the field's value
}

// Action is one thing an automation does.
type Action struct {
	Type     string            `json:"type"`
	Values   map[string]string `json:"values,omitempty"`   // update, create: field -> expression over the record
	Object   string            `json:"object,omitempty"`   // create: the object of the new record
	To       *Recipients       `json:"to,omitempty"`       // notify
	Title    forms.Label       `json:"title,omitempty"`    // notify: a template, {{field}} shows a value
	Message  forms.Label       `json:"message,omitempty"`  // notify: a template
	URL      string            `json:"url,omitempty"`      // webhook
	Secret   string            `json:"secret,omitempty"`   // webhook: whsec_... (the engine makes one when empty)
	Target   *Target           `json:"target,omitempty"`   // assign: this target instead of the object's rules
	Process  string            `json:"process,omitempty"`  // approval: the process's name
	Template string            `json:"template,omitempty"` // email: the email template's name
	// As names a create action's new record, so that later actions can link to it.
	As string `json:"as,omitempty"`
	// Link sets lookup fields of the created or updated record to records an earlier create
	// action of the same run made, by their as (lead conversion: the contact's account is the
	// account just created). The record the automation runs for is the value expression "id".
	Link map[string]string `json:"link,omitempty"`
	// Parent makes an update action change the record a lookup field of the automation's record
	// points at (a follow-up stamps its account's last contact) instead of the record itself:
	// values are computed over the automation's record and must be fields of the lookup's
	// object. An empty lookup updates nothing.
	Parent string `json:"parent,omitempty"`
	// Pool and Reason: return_to_pool's pool (empty: the one it was claimed from, else the
	// object's only pool) and the reason kept in the audit trail.
	Pool   string      `json:"pool,omitempty"`
	Reason forms.Label `json:"reason,omitempty"`
}

// Recipients of a notification.
type Recipients struct {
	Owner   bool     `json:"owner,omitempty"`
	Manager bool     `json:"manager,omitempty"` // the owner's manager
	Users   []string `json:"users,omitempty"`
	Roles   []string `json:"roles,omitempty"`
	Teams   []string `json:"teams,omitempty"`
	// Fields (email only): email or user fields of the record whose values receive it.
	Fields []string `json:"fields,omitempty"`
	// Addresses (email only): fixed addresses, each allowed by the admin's SMTP settings.
	Addresses []string `json:"addresses,omitempty"`
}

// Objects gives the definitions a check needs (the automation's own object and create targets).
type Objects func(name string) *forms.Object

// Compiled is an automation ready to run against one version of its object.
type Compiled struct {
	Automation
	condition *rules.Program
	offset    time.Duration
	values    [][]fieldValue // per action: compiled value expressions
	parents   []string       // per action: the object a parent update changes
}

type fieldValue struct {
	field *forms.Field
	prog  *rules.Program
}

// templateField finds {{field}} placeholders.
var templateField = regexp.MustCompile(`\{\{\s*([a-z][a-z0-9_]*)\s*\}\}`)

// Compile checks an automation against its object and compiles its expressions; every problem is
// reported at once with its JSON pointer. env is the object's rules environment.
func Compile(a *Automation, env *rules.Env, objects Objects) (*Compiled, []forms.Problem) {
	c := &Compiled{Automation: *a}
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	expr := func(ptr, src string, want rules.Expect) *rules.Program {
		p, is := env.Compile(src, want)
		if is != nil {
			probs = append(probs, forms.Problem{Pointer: ptr, Code: "invalid_expression", Message: is.Message, Line: is.Line, Column: is.Column})
		}
		return p
	}
	if !forms.NamePattern.MatchString(a.Name) {
		bad("/name", "invalid_name", "an automation name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	obj := objects(a.Object)
	if obj == nil {
		bad("/object", "unknown_object", "no object named %q", a.Object)
		return nil, probs
	}
	t := a.Trigger
	switch t.Type {
	case TriggerCreated, TriggerUpdated, TriggerCreatedOrUpdated, TriggerDeleted, TriggerManual:
	case TriggerFieldChanged:
		if len(t.Fields) == 0 {
			bad("/trigger/fields", "missing_option", "a field_changed trigger lists the fields it watches")
		}
		for i, f := range t.Fields {
			if obj.Field(f) == nil {
				bad(fmt.Sprintf("/trigger/fields/%d", i), "unknown_field", "%s has no field %q", a.Object, f)
			}
		}
	case TriggerScheduled:
		if _, err := ParseCron(t.Cron); err != nil {
			bad("/trigger/cron", "invalid_cron", "%v", err)
		}
	case TriggerTimeRelative:
		f := obj.Field(t.Field)
		if f == nil || (f.Type != forms.TypeDate && f.Type != forms.TypeDatetime) {
			bad("/trigger/field", "invalid_field", "a time_relative trigger needs a date or datetime field of %s", a.Object)
		}
		d, err := ParseOffset(t.Offset)
		if err != nil {
			bad("/trigger/offset", "invalid_offset", "%v", err)
		}
		c.offset = d
	default:
		bad("/trigger/type", "invalid_trigger", "trigger type %q is not one of created, updated, created_or_updated, deleted, field_changed, scheduled, time_relative, manual", t.Type)
	}
	if a.Condition != "" {
		c.condition = expr("/condition", a.Condition, rules.Expect{Kind: rules.KindCondition})
	}
	if len(a.Actions) == 0 {
		bad("/actions", "missing_option", "an automation needs at least one action")
	}
	c.values = make([][]fieldValue, len(a.Actions))
	c.parents = make([]string, len(a.Actions))
	for i, act := range a.Actions {
		at := fmt.Sprintf("/actions/%d", i)
		if act.Parent != "" && act.Type != ActionUpdate {
			bad(at+"/parent", "invalid_option", "only an update action takes parent")
		}
		switch act.Type {
		case ActionUpdate, ActionCreate:
			target := obj
			if act.Type == ActionCreate {
				if target = objects(act.Object); target == nil {
					bad(at+"/object", "unknown_object", "no object named %q", act.Object)
					continue
				}
			}
			if act.Parent != "" && act.Type == ActionUpdate {
				if target = parentOf(a, i, obj, objects, bad); target == nil {
					continue
				}
				c.parents[i] = target.Name
			}
			if len(act.Values) == 0 && len(act.Link) == 0 && act.Type == ActionUpdate {
				bad(at+"/values", "missing_option", "an update sets at least one field")
			}
			checkLinks(a, i, target, objects, bad)
			for _, name := range sortedKeys(act.Values) {
				f := target.Field(name)
				if f == nil || f.Computed() {
					bad(at+"/values/"+name, "unknown_field", "%s has no field %q that can be set", target.Name, name)
					continue
				}
				if p := expr(at+"/values/"+name, act.Values[name], rules.Expect{Kind: rules.KindValue, Type: f.Type}); p != nil {
					c.values[i] = append(c.values[i], fieldValue{f, p})
				}
			}
		case ActionNotify:
			if act.To == nil || (!act.To.Owner && !act.To.Manager && len(act.To.Users)+len(act.To.Roles)+len(act.To.Teams) == 0) {
				bad(at+"/to", "missing_option", "a notification needs recipients")
			}
			if len(act.Message) == 0 && len(act.Title) == 0 {
				bad(at+"/message", "missing_option", "a notification needs a title or a message")
			}
			if act.To != nil && len(act.To.Fields)+len(act.To.Addresses) > 0 {
				bad(at+"/to", "invalid_option", "fields and addresses are recipients of email actions; a notification goes to users")
			}
			for key, l := range map[string]forms.Label{"title": act.Title, "message": act.Message} {
				for loc, text := range l {
					for _, m := range templateField.FindAllStringSubmatch(text, -1) {
						if obj.Field(m[1]) == nil && !isSystemName(m[1]) {
							bad(at+"/"+key+"/"+loc, "unknown_field", "the template names %q, which is not a field of %s", m[1], a.Object)
						}
					}
				}
			}
		case ActionWebhook:
			probs = append(probs, checkWebhook(at, act)...)
		case ActionAssign:
			if act.Target != nil {
				if _, ps := CompileAssignment(TargetRules(a.Object, *act.Target), env, obj, anyone{}); len(ps) > 0 {
					for _, p := range ps {
						p.Pointer = at + "/target" + strings.TrimPrefix(p.Pointer, "/rules/0/target")
						probs = append(probs, p)
					}
				}
			}
		case ActionEmail:
			checkEmailAction(at, act, obj, bad)
		case ActionApproval:
			if act.Process == "" {
				bad(at+"/process", "missing_option", "an approval action names its process")
			}
		case ActionReturnToPool:
			switch {
			case len(obj.Pools) == 0:
				bad(at+"/type", "invalid_action", "%s has no pool to return records to", obj.Name)
			case act.Pool != "" && obj.PoolOf(forms.PoolOwner(act.Pool)) == nil:
				bad(at+"/pool", "unknown_pool", "%s has no pool %q", obj.Name, act.Pool)
			}
			said := false
			for _, text := range act.Reason {
				said = said || strings.TrimSpace(text) != ""
			}
			if !said {
				bad(at+"/reason", "missing_option", "a return to the pool says why (reason)")
			}
		default:
			bad(at+"/type", "invalid_action", "action type %q is not one of update, create, notify, webhook, assign, approval, email, return_to_pool", act.Type)
		}
	}
	checkControls(a.Controls, obj, bad)
	for i, name := range a.Controls {
		if obj.Field(name) != nil && !a.updates(name) {
			bad(fmt.Sprintf("/controlled_fields/%d", i), "not_updated", "no update action of the automation sets %q; it controls only fields it sets", name)
		}
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
		return nil, probs
	}
	return c, nil
}

// parentOf is the object an update action's parent lookup points at; nil (with the problem
// reported) when the action has no such lookup.
func parentOf(a *Automation, i int, obj *forms.Object, objects Objects, bad func(ptr, code, format string, args ...any)) *forms.Object {
	at := fmt.Sprintf("/actions/%d/parent", i)
	act := a.Actions[i]
	f := obj.Field(act.Parent)
	if f == nil || f.Type != forms.TypeLookup {
		bad(at, "unknown_field", "%s has no lookup field %q", obj.Name, act.Parent)
		return nil
	}
	t := objects(f.Target)
	if t == nil {
		bad(at, "unknown_object", "%s looks up %q, which does not exist", act.Parent, f.Target)
	}
	return t
}

// Parents are the objects the automation's update actions change through a parent lookup.
func (c *Compiled) Parents() []string {
	var out []string
	for _, p := range c.parents {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// updates tells whether an update action sets the field (by value or by link) of the
// automation's own record.
func (a *Automation) updates(field string) bool {
	for _, act := range a.Actions {
		if act.Type != ActionUpdate || act.Parent != "" {
			continue
		}
		_, byValue := act.Values[field]
		_, byLink := act.Link[field]
		if byValue || byLink {
			return true
		}
	}
	return false
}

// checkLinks checks an action's links: each names a lookup field of the target and a record of
// the run of that field's object (an earlier create's "as").
func checkLinks(a *Automation, i int, target *forms.Object, objects Objects, bad func(ptr, code, format string, args ...any)) {
	at := fmt.Sprintf("/actions/%d", i)
	act := a.Actions[i]
	if act.As != "" {
		if act.Type != ActionCreate || !forms.NamePattern.MatchString(act.As) {
			bad(at+"/as", "invalid_option", "as names the record a create action makes, like a field name")
		}
		for j := 0; j < i; j++ {
			if a.Actions[j].As == act.As {
				bad(at+"/as", "duplicate_name", "an earlier action is already named %q", act.As)
			}
		}
	}
	for _, field := range sortedKeys(act.Link) {
		ptr := at + "/link/" + field
		f := target.Field(field)
		if f == nil || f.Type != forms.TypeLookup {
			bad(ptr, "unknown_field", "%s has no lookup field %q", target.Name, field)
			continue
		}
		if _, dup := act.Values[field]; dup {
			bad(ptr, "duplicate_value", "%s is set by both values and link", field)
		}
		src := act.Link[field]
		linked := ""
		for j := 0; j < i; j++ {
			if a.Actions[j].Type == ActionCreate && a.Actions[j].As == src {
				linked = a.Actions[j].Object
			}
		}
		switch {
		case linked == "":
			bad(ptr, "unknown_link", "%q is not the as of an earlier create action", src)
		case linked != f.Target:
			bad(ptr, "invalid_link", "%s looks up %s, but %q is a %s", field, f.Target, src, linked)
		}
	}
}

// Links returns the lookup values of action i: ids by field, given the ids the run's create
// actions give their records.
func (c *Compiled) Links(i int, createdID func(action int) string) map[string]any {
	act := c.Actions[i]
	out := map[string]any{}
	for field, src := range act.Link {
		for j := 0; j < i; j++ {
			if c.Actions[j].Type == ActionCreate && c.Actions[j].As == src {
				out[field] = createdID(j)
			}
		}
	}
	return out
}

func isSystemName(n string) bool {
	for _, s := range forms.SystemFields {
		if s == n {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseOffset reads "7d", "-2h", "30m", "1d12h".
func ParseOffset(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	var days int
	if i := strings.Index(rest, "d"); i >= 0 {
		if _, err := fmt.Sscanf(rest[:i], "%d", &days); err != nil || days < 0 || days > 3650 {
			return 0, fmt.Errorf("offset %q: days must be a whole number, e.g. 7d", s)
		}
		rest = rest[i+1:]
	}
	d := time.Duration(days) * 24 * time.Hour
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil || x < 0 {
			return 0, fmt.Errorf("offset %q is not like 7d, -2h or 1d12h", s)
		}
		d += x
	}
	if neg {
		d = -d
	}
	return d, nil
}

// Event is what happened to a record, in stored form (forms' stored kinds).
type Event struct {
	Type string         // created, updated, deleted, manual, timer, scheduled
	Old  map[string]any // before (nil on create)
	New  map[string]any // after (nil on delete)
}

// Changed lists the fields whose stored values differ between Old and New.
func (ev Event) Changed(obj *forms.Object) []string {
	var out []string
	for _, f := range obj.Fields {
		if fmt.Sprint(ev.Old[f.Name]) != fmt.Sprint(ev.New[f.Name]) {
			out = append(out, f.Name)
		}
	}
	return out
}

// Fires tells whether the trigger reacts to a record event (timers, schedules and buttons fire
// through their own paths).
func (c *Compiled) Fires(ev Event, obj *forms.Object) bool {
	if c.Disabled {
		return false
	}
	switch c.Trigger.Type {
	case TriggerCreated:
		return ev.Type == TriggerCreated
	case TriggerUpdated:
		return ev.Type == TriggerUpdated
	case TriggerCreatedOrUpdated:
		return ev.Type == TriggerCreated || ev.Type == TriggerUpdated
	case TriggerDeleted:
		return ev.Type == TriggerDeleted
	case TriggerFieldChanged:
		if ev.Type != TriggerCreated && ev.Type != TriggerUpdated {
			return false
		}
		changed := ev.Changed(obj)
		for _, f := range c.Trigger.Fields {
			for _, ch := range changed {
				if f == ch {
					return true
				}
			}
		}
	}
	return false
}

// Due is when a time_relative automation fires for a record: its field plus the offset; false
// when the field is empty.
func (c *Compiled) Due(record map[string]any) (time.Time, bool) {
	s, ok := record[c.Trigger.Field].(string)
	if !ok || s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(forms.TimeLayout, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return time.Time{}, false
		}
	}
	return t.Add(c.offset), true
}

// Decision is whether the automation runs for a record and why: the condition's inputs as the
// run log shows them.
type Decision struct {
	Run    bool           `json:"run"`
	Inputs map[string]any `json:"inputs,omitempty"`
	Reads  []string       `json:"reads,omitempty"` // every field the condition reads (old.f too): who may not see one may not see the decision
	Error  string         `json:"error,omitempty"`
}

// Decide evaluates the condition (none: it holds).
func (c *Compiled) Decide(scope rules.Scope) Decision { return decide(c.condition, scope) }

// decide evaluates a condition and keeps the values it read, for the run log.
func decide(cond *rules.Program, scope rules.Scope) Decision {
	if cond == nil {
		return Decision{Run: true}
	}
	d := Decision{Inputs: map[string]any{}, Reads: cond.Reads()}
	for _, n := range cond.Names() {
		if n != "old" && n != "user" {
			d.Inputs[n] = fmt.Sprint(scope.Value(n))
		}
	}
	ok, err := cond.Holds(scope)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	d.Run = ok
	return d
}

// Values computes an update or create action's field values in wire form.
func (c *Compiled) Values(i int, scope rules.Scope) (map[string]any, error) {
	out := map[string]any{}
	for _, fv := range c.values[i] {
		v, err := fv.prog.Run(scope)
		if err != nil && !rules.Empty(err) {
			return nil, fmt.Errorf("%s: %w", fv.field.Name, err)
		}
		w, err := rules.WireValue(fv.field, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fv.field.Name, err)
		}
		out[fv.field.Name] = w
	}
	return out, nil
}

// Render fills a notification template with a record's values in wire form.
func Render(tmpl string, record map[string]any) string {
	return templateField.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := templateField.FindStringSubmatch(m)[1]
		if v, ok := record[name]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	})
}

// ParseCron reads a standard five-field cron spec (or a descriptor such as "@daily"), in UTC.
func ParseCron(spec string) (cron.Schedule, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("a scheduled trigger needs a cron spec such as \"0 8 * * 1-5\"")
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %v", spec, err)
	}
	return s, nil
}
