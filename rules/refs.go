package rules

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr/ast"

	"crm/forms"
)

// References through lookups. An expression may read a field of the record a lookup points at
// (`account.vip` on a ticket) and, through a lookup of that record, one more level
// (`opportunity.account.industry`): MaxRefDepth lookups in all. The lookup itself keeps its value
// (the id), so `account != nil` means what it always did. A reference is typed by the field it
// reaches, checked at save with its line and column like any name.
//
// The engine supplies the values (Context.Refs), reading the parents as they are when the
// expression runs; which references an object's expressions use is known once they are
// compiled (Env.UsedRefs), so a write whose expressions read no parent reads none.

// MaxRefDepth is how many lookups one reference may follow.
const MaxRefDepth = 2

// Related gives the definition of the object a lookup points at; nil when unknown.
type Related func(object string) *forms.Object

// Ref is one value read through lookups.
type Ref struct {
	Name    string       // "opportunity.account.industry"
	Path    []string     // the lookups followed, then the field read: ["opportunity", "account", "industry"]
	Objects []string     // the object each lookup of Path points at: ["opportunity", "account"]
	Field   *forms.Field // the field read
}

// refState is an Env's references: every reachable one, and those compiled programs use.
type refState struct {
	all    map[string]*Ref
	lookup map[string]string // a name whose value is a lookup that may be followed -> its target
	mu     sync.Mutex
	used   map[string]bool
}

// systemRefFields are the system fields a reference may read, as fields for typing and values.
var systemRefFields = []*forms.Field{
	{Name: "id", Type: forms.TypeText}, {Name: "owner", Type: forms.TypeUser},
	{Name: "created_at", Type: forms.TypeDatetime}, {Name: "updated_at", Type: forms.TypeDatetime},
}

// NewEnvWith builds the environment of obj's expressions with references through its lookups to
// the objects related knows.
func NewEnvWith(obj *forms.Object, related Related) *Env {
	refs := collectRefs(obj, related)
	return newEnv(obj, refs)
}

func collectRefs(obj *forms.Object, related Related) *refState {
	st := &refState{all: map[string]*Ref{}, lookup: map[string]string{}, used: map[string]bool{}}
	if related == nil {
		return st
	}
	var walk func(o *forms.Object, prefix []string, objects []string)
	walk = func(o *forms.Object, prefix []string, objects []string) {
		for _, f := range o.Fields {
			if f == nil || f.Type != forms.TypeLookup || f.Target == "" {
				continue
			}
			target := related(f.Target)
			if target == nil {
				continue
			}
			path := append(append([]string{}, prefix...), f.Name)
			objs := append(append([]string{}, objects...), f.Target)
			st.lookup[strings.Join(path, ".")] = f.Target
			fields := append(append([]*forms.Field{}, systemRefFields...), target.Fields...)
			for _, tf := range fields {
				if tf == nil {
					continue
				}
				p := append(append([]string{}, path...), tf.Name)
				name := strings.Join(p, ".")
				st.all[name] = &Ref{Name: name, Path: p, Objects: objs, Field: tf}
			}
			if len(path) < MaxRefDepth {
				walk(target, path, objs)
			}
		}
	}
	walk(obj, nil, nil)
	return st
}

// UsedRefs are the references the programs compiled in this environment read, sorted by name:
// what the engine loads before running them.
func (e *Env) UsedRefs() []*Ref {
	e.refs.mu.Lock()
	defer e.refs.mu.Unlock()
	out := make([]*Ref, 0, len(e.refs.used))
	for n := range e.refs.used {
		out = append(out, e.refs.all[n])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Ref is the reference of that name, nil when there is none.
func (e *Env) Ref(name string) *Ref { return e.refs.all[name] }

// markUsed records the references a compiled program reads.
func (e *Env) markUsed(p *Program) {
	if len(e.refs.all) == 0 {
		return
	}
	var names []string
	for n := range identifiers(p) {
		if e.refs.all[n] != nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	e.refs.mu.Lock()
	for _, n := range names {
		e.refs.used[n] = true
	}
	e.refs.mu.Unlock()
}

// refPatcher turns `account.vip` (a member of a lookup) into the reference's own name, before
// type checking, so the checker types it as the field it reaches.
type refPatcher struct {
	env   *Env
	issue func(n ast.Node, msg string)
}

func (p *refPatcher) Visit(node *ast.Node) {
	if n, ok := (*node).(*ast.MemberNode); ok {
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok {
			return
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return
		}
		target, ok := p.env.refs.lookup[id.Value]
		if !ok {
			if r := p.env.refs.all[id.Value]; r != nil && r.Field.Type == forms.TypeLookup {
				p.issue(n, fmt.Sprintf("%s follows more than %d lookups; a reference may follow at most %d", id.Value+"."+prop.Value, MaxRefDepth, MaxRefDepth))
			}
			return
		}
		name := id.Value + "." + prop.Value
		if p.env.refs.all[name] == nil {
			p.issue(prop, fmt.Sprintf("%s (a lookup to %s) has no field %s", id.Value, target, prop.Value))
			return
		}
		ast.Patch(node, &ast.IdentifierNode{Value: name})
	}
}

// InheritUsed marks as used here the references old's programs read: programs compiled against
// an earlier compilation of the same object (automations, SLA policies) keep being served.
func (e *Env) InheritUsed(old *Env) {
	old.refs.mu.Lock()
	names := make([]string, 0, len(old.refs.used))
	for n := range old.refs.used {
		names = append(names, n)
	}
	old.refs.mu.Unlock()
	e.refs.mu.Lock()
	for _, n := range names {
		if e.refs.all[n] != nil {
			e.refs.used[n] = true
		}
	}
	e.refs.mu.Unlock()
}
