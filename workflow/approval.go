package workflow

import (
	"fmt"
	"sort"

	"crm/forms"
	"crm/rules"
)

// Node kinds of an approval process graph.
const (
	NodeStart     = "start"
	NodeApproval  = "approval"
	NodeCondition = "condition"
	NodeAction    = "action"
	NodeApproved  = "approved"
	NodeRejected  = "rejected"
)

// Approval modes: how the answers of a step's approvers decide it.
const (
	ModeAny       = "any"       // 或签: the first answer decides
	ModeAll       = "all"       // 会签: everyone approves; one rejection rejects
	ModeThreshold = "threshold" // N of M approve; rejected once N can no longer be reached
)

// Approver types: who answers an approval step.
const (
	ApproverUser    = "user"    // named users
	ApproverRole    = "role"    // the active holders of a role
	ApproverTeam    = "team"    // the active members of a team
	ApproverManager = "manager" // the submitter's manager, Levels up the chain (1: the direct manager)
	ApproverField   = "field"   // the user held in a user field of the record
)

// What a step does when its timeout passes.
const (
	OnTimeoutEscalate = "escalate" // each approver who has not answered is replaced by their manager
	OnTimeoutApprove  = "approve"
	OnTimeoutReject   = "reject"
)

// ApprovalProcess is an approval flow drawn as a graph, so that the visual editor maps to it one
// to one: nodes (with their positions on the canvas, kept verbatim) and the edges between them.
type ApprovalProcess struct {
	Name           string      `json:"name"`
	Label          forms.Label `json:"label,omitempty"`
	Object         string      `json:"object"`
	Disabled       bool        `json:"disabled,omitempty"`
	EntryCondition string      `json:"entry_condition,omitempty"` // which records may be submitted ("": any)
	// RecallUpdates set fields when the submitter recalls, undoing what the process's first steps
	// set (status "pending" back to "draft"): field -> expression, like a node's updates.
	RecallUpdates map[string]string `json:"recall_updates,omitempty"`
	// Controls names fields only this process sets, besides those its updates set (which it
	// always controls): users cannot change them (see Controlled).
	Controls []string `json:"controlled_fields,omitempty"`
	// FallbackApprover (a user id) decides a step whose approvers resolve to nobody, and takes
	// an escalation from an approver without a manager; when empty or inactive, the admins do.
	FallbackApprover string `json:"fallback_approver,omitempty"`
	// SkipRepeatApprovers: an approver who already approved earlier in the same run is counted as
	// approving again instead of being asked twice (a manager who is also the finance approver).
	SkipRepeatApprovers bool   `json:"skip_repeat_approvers,omitempty"`
	Nodes               []Node `json:"nodes"`
	Edges               []Edge `json:"edges"`
}

// Node is one step of the graph. Which members apply depends on its kind.
type Node struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	Label     forms.Label       `json:"label,omitempty"`
	Position  *Position         `json:"position,omitempty"`
	Approvers []Approver        `json:"approvers,omitempty"`  // approval
	Mode      string            `json:"mode,omitempty"`       // approval: any (default), all, threshold
	Threshold int               `json:"threshold,omitempty"`  // approval, threshold mode: N approvals decide
	Timeout   string            `json:"timeout,omitempty"`    // approval: "48h", "2d"; "": none
	OnTimeout string            `json:"on_timeout,omitempty"` // approval with a timeout: escalate, approve, reject
	Calendar  string            `json:"calendar,omitempty"`   // approval with a timeout: counted in this business calendar's hours; "": around the clock
	Updates   map[string]string `json:"updates,omitempty"`    // action, approved, rejected: field -> expression
	Notify    *Notice           `json:"notify,omitempty"`     // action, approved, rejected
}

// Position is where the editor drew a node; the engine keeps it and never reads it.
type Position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Approver names who answers a step.
type Approver struct {
	Type   string   `json:"type"`
	Users  []string `json:"users,omitempty"`  // user
	Role   string   `json:"role,omitempty"`   // role
	Team   string   `json:"team,omitempty"`   // team
	Levels int      `json:"levels,omitempty"` // manager: how far up (0 or 1: the direct manager)
	Field  string   `json:"field,omitempty"`  // field: a user field of the record
}

// Notice is a notification an action or end node sends.
type Notice struct {
	To      Recipients  `json:"to"`
	Title   forms.Label `json:"title,omitempty"`
	Message forms.Label `json:"message,omitempty"`
}

// Edge joins two nodes. Edges leaving a condition node carry a condition, except one default.
type Edge struct {
	ID        string `json:"id"`
	From      string `json:"from"`
	To        string `json:"to"`
	Condition string `json:"condition,omitempty"`
	Default   bool   `json:"default,omitempty"`
}

// ApprovalPeople answers what a save-time check needs to know about the directory.
type ApprovalPeople interface {
	People
	RoleExists(name string) bool
}

// maxManagerLevels bounds how far up the chain a manager approver may reach.
const maxManagerLevels = 10

// CompiledProcess is a process checked and compiled against one version of its object.
type CompiledProcess struct {
	ApprovalProcess
	entry   *rules.Program
	nodes   map[string]*Node
	out     map[string][]*Edge // node id -> outgoing edges, the default last
	conds   map[string]*rules.Program
	updates map[string][]fieldValue
	timeout map[string]int64 // node id -> timeout in milliseconds
	reject  string           // the rejected end
}

// CompileApproval checks a process and compiles its expressions against the object. Every
// problem comes at once. Pointers are JSON pointers by position (/nodes/3/approvers/0/role,
// /edges/2/condition) and each message begins with the node or edge id it concerns
// (`node "finance": ...`), so an editor can mark the element whichever way it keys them.
func CompileApproval(p *ApprovalProcess, env *rules.Env, obj *forms.Object, people ApprovalPeople) (*CompiledProcess, []forms.Problem) {
	c := &CompiledProcess{ApprovalProcess: *p, nodes: map[string]*Node{}, out: map[string][]*Edge{},
		conds: map[string]*rules.Program{}, updates: map[string][]fieldValue{}, timeout: map[string]int64{}}
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	compile := func(ptr, who, src string, want rules.Expect) *rules.Program {
		prog, is := env.Compile(src, want)
		if is != nil {
			probs = append(probs, forms.Problem{Pointer: ptr, Code: "invalid_expression", Message: who + is.Message, Line: is.Line, Column: is.Column})
		}
		return prog
	}
	if !forms.NamePattern.MatchString(p.Name) {
		bad("/name", "invalid_name", "a process name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if obj == nil {
		bad("/object", "unknown_object", "no object named %q", p.Object)
		return nil, probs
	}
	if p.EntryCondition != "" {
		c.entry = compile("/entry_condition", "", p.EntryCondition, rules.Expect{Kind: rules.KindCondition})
	}
	c.compileUpdates(recallUpdates, "", "", p.RecallUpdates, obj, compile, bad)
	checkControls(p.Controls, obj, bad)
	if p.FallbackApprover != "" && !people.UserExists(p.FallbackApprover) {
		bad("/fallback_approver", "unknown_user", "no user %q", p.FallbackApprover)
	}

	// Nodes, each on its own.
	starts, rejects := 0, 0
	index := map[string]int{}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		at := fmt.Sprintf("/nodes/%d", i)
		who := fmt.Sprintf("node %q: ", n.ID)
		switch {
		case n.ID == "":
			bad(at+"/id", "missing_option", "node %d has no id", i)
			continue
		case c.nodes[n.ID] != nil:
			bad(at+"/id", "duplicate_id", "%stwo nodes have this id", who)
			continue
		}
		c.nodes[n.ID], index[n.ID] = n, i
		switch n.Kind {
		case NodeStart:
			starts++
		case NodeApproval:
			c.checkApproval(n, at, who, obj, people, bad)
		case NodeCondition:
		case NodeAction, NodeApproved, NodeRejected:
			if n.Kind == NodeRejected {
				rejects++
				c.reject = n.ID
			}
			c.compileUpdates(n.ID, at, who, n.Updates, obj, compile, bad)
			if n.Notify != nil {
				r := n.Notify.To
				if !r.Owner && !r.Manager && len(r.Users)+len(r.Roles)+len(r.Teams) == 0 {
					bad(at+"/notify/to", "missing_option", "%sa notification needs recipients", who)
				}
				if len(n.Notify.Title)+len(n.Notify.Message) == 0 {
					bad(at+"/notify/title", "missing_option", "%sa notification needs a title or a message", who)
				}
			}
		default:
			bad(at+"/kind", "invalid_kind", "%skind %q is not one of start, approval, condition, action, approved, rejected", who, n.Kind)
		}
		if n.Kind != NodeApproval && (len(n.Approvers) > 0 || n.Mode != "" || n.Timeout != "" || n.Calendar != "") {
			bad(at+"/approvers", "invalid_option", "%sonly approval nodes have approvers, a mode or a timeout", who)
		}
		if (n.Kind == NodeStart || n.Kind == NodeCondition || n.Kind == NodeApproval) && (len(n.Updates) > 0 || n.Notify != nil) {
			bad(at+"/updates", "invalid_option", "%sonly action, approved and rejected nodes update fields or notify", who)
		}
	}
	if starts != 1 {
		bad("/nodes", "start_count", "a process has exactly one start node, this one has %d", starts)
	}
	if rejects > 1 {
		bad("/nodes", "rejected_count", "a process has at most one rejected node (every rejection ends there), this one has %d", rejects)
	}

	// Edges.
	edgeIDs := map[string]bool{}
	for i := range p.Edges {
		ed := &p.Edges[i]
		at := fmt.Sprintf("/edges/%d", i)
		who := fmt.Sprintf("edge %q: ", ed.ID)
		if ed.ID == "" {
			bad(at+"/id", "missing_option", "edge %d has no id", i)
		} else if edgeIDs[ed.ID] {
			bad(at+"/id", "duplicate_id", "%stwo edges have this id", who)
		}
		edgeIDs[ed.ID] = true
		from, to := c.nodes[ed.From], c.nodes[ed.To]
		if from == nil {
			bad(at+"/from", "unknown_node", "%sno node %q", who, ed.From)
		}
		if to == nil {
			bad(at+"/to", "unknown_node", "%sno node %q", who, ed.To)
		} else if to.Kind == NodeStart {
			bad(at+"/to", "invalid_edge", "%sno edge leads into the start node", who)
		}
		if from == nil || to == nil {
			continue
		}
		if from.Kind == NodeCondition {
			switch {
			case ed.Default && ed.Condition != "":
				bad(at+"/condition", "invalid_option", "%sthe default edge has no condition", who)
			case !ed.Default && ed.Condition == "":
				bad(at+"/condition", "missing_option", "%san edge leaving a condition node has a condition or is the default", who)
			case !ed.Default:
				c.conds[ed.ID] = compile(at+"/condition", who, ed.Condition, rules.Expect{Kind: rules.KindCondition})
			}
		} else if ed.Default || ed.Condition != "" {
			bad(at+"/condition", "invalid_option", "%sonly edges leaving a condition node have conditions or a default", who)
		}
		c.out[ed.From] = append(c.out[ed.From], ed)
	}
	for id, edges := range c.out {
		sort.SliceStable(edges, func(i, j int) bool { return !edges[i].Default && edges[j].Default })
		c.out[id] = edges
	}

	// Shape of each node's way out.
	for _, n := range c.nodeList() {
		at := fmt.Sprintf("/nodes/%d", index[n.ID])
		who := fmt.Sprintf("node %q: ", n.ID)
		out := c.out[n.ID]
		switch n.Kind {
		case NodeStart, NodeApproval, NodeAction:
			if len(out) != 1 {
				bad(at, "edge_count", "%sa %s node has exactly one outgoing edge, this one has %d", who, n.Kind, len(out))
			}
		case NodeCondition:
			defaults := 0
			for _, ed := range out {
				if ed.Default {
					defaults++
				}
			}
			if defaults != 1 {
				bad(at, "default_edge", "%sa condition node has exactly one default edge, this one has %d", who, defaults)
			}
		case NodeApproved, NodeRejected:
			if len(out) > 0 {
				bad(at, "edge_count", "%san end node has no outgoing edges", who)
			}
		}
		if n.Kind == NodeApproval && rejects == 0 {
			bad(at, "missing_rejected", "%san approval step rejects to the rejected end node; add one", who)
		}
	}

	// The graph as a whole: reached from the start, always able to end, no loop without a person.
	if starts == 1 {
		c.checkPaths(index, bad)
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
		return nil, probs
	}
	return c, nil
}

// nodeList is the nodes in definition order (map order would make problem lists unstable).
func (c *CompiledProcess) nodeList() []*Node {
	out := make([]*Node, 0, len(c.nodes))
	seen := map[string]bool{}
	for i := range c.Nodes {
		if n := c.nodes[c.Nodes[i].ID]; n != nil && !seen[n.ID] {
			seen[n.ID] = true
			out = append(out, n)
		}
	}
	return out
}

func (c *CompiledProcess) checkApproval(n *Node, at, who string, obj *forms.Object, people ApprovalPeople, bad func(ptr, code, format string, args ...any)) {
	if len(n.Approvers) == 0 {
		bad(at+"/approvers", "missing_option", "%san approval step names its approvers", who)
	}
	for j, a := range n.Approvers {
		ap := fmt.Sprintf("%s/approvers/%d", at, j)
		switch a.Type {
		case ApproverUser:
			if len(a.Users) == 0 {
				bad(ap+"/users", "missing_option", "%sa user approver lists the users", who)
			}
			for k, u := range a.Users {
				if !people.UserExists(u) {
					bad(fmt.Sprintf("%s/users/%d", ap, k), "unknown_user", "%sno user %q", who, u)
				}
			}
		case ApproverRole:
			if a.Role == "" || !people.RoleExists(a.Role) {
				bad(ap+"/role", "unknown_role", "%sno role %q", who, a.Role)
			}
		case ApproverTeam:
			if a.Team == "" || !people.TeamExists(a.Team) {
				bad(ap+"/team", "unknown_team", "%sno team %q", who, a.Team)
			}
		case ApproverManager:
			if a.Levels < 0 || a.Levels > maxManagerLevels {
				bad(ap+"/levels", "invalid_option", "%slevels is 1 to %d (0 means 1)", who, maxManagerLevels)
			}
		case ApproverField:
			if f := obj.Field(a.Field); f == nil || f.Type != forms.TypeUser {
				bad(ap+"/field", "invalid_field", "%s%s has no user field %q", who, obj.Name, a.Field)
			}
		default:
			bad(ap+"/type", "invalid_approver", "%sapprover type %q is not one of user, role, team, manager, field", who, a.Type)
		}
	}
	switch n.Mode {
	case "", ModeAny, ModeAll:
		if n.Threshold != 0 {
			bad(at+"/threshold", "invalid_option", "%sonly a threshold step has a threshold", who)
		}
	case ModeThreshold:
		if n.Threshold < 1 {
			bad(at+"/threshold", "missing_option", "%sa threshold step needs a threshold of at least 1", who)
		}
	default:
		bad(at+"/mode", "invalid_mode", "%smode %q is not one of any, all, threshold", who, n.Mode)
	}
	if n.Timeout != "" {
		d, err := ParseOffset(n.Timeout)
		if err != nil || d <= 0 {
			bad(at+"/timeout", "invalid_timeout", "%sa timeout is a positive duration such as 48h or 2d", who)
		} else {
			c.timeout[n.ID] = d.Milliseconds()
		}
		switch n.OnTimeout {
		case OnTimeoutEscalate, OnTimeoutApprove, OnTimeoutReject:
		default:
			bad(at+"/on_timeout", "invalid_option", "%son_timeout is one of escalate, approve, reject", who)
		}
	} else if n.OnTimeout != "" {
		bad(at+"/on_timeout", "invalid_option", "%son_timeout needs a timeout", who)
	}
	if n.Calendar != "" && n.Timeout == "" {
		bad(at+"/calendar", "invalid_option", "%sa calendar counts a timeout: set one", who)
	}
}

// checkPaths finds nodes the start never reaches, nodes from which no end can be reached, and
// loops that pass no approval step (they would run forever without anyone acting).
func (c *CompiledProcess) checkPaths(index map[string]int, bad func(ptr, code, format string, args ...any)) {
	var start string
	for _, n := range c.nodeList() {
		if n.Kind == NodeStart {
			start = n.ID
		}
	}
	reached := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if reached[id] {
			return
		}
		reached[id] = true
		if n := c.nodes[id]; n != nil && n.Kind == NodeApproval && c.reject != "" {
			walk(c.reject) // every approval step rejects to the rejected end
		}
		for _, ed := range c.out[id] {
			walk(ed.To)
		}
	}
	walk(start)
	// Nodes that can reach an end: grow backwards from the ends until nothing changes.
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, n := range c.nodeList() {
			if ends[n.ID] {
				continue
			}
			if n.Kind == NodeApproved || n.Kind == NodeRejected {
				ends[n.ID], changed = true, true
				continue
			}
			for _, ed := range c.out[n.ID] {
				if ends[ed.To] {
					ends[n.ID], changed = true, true
					break
				}
			}
		}
	}
	for _, n := range c.nodeList() {
		at := fmt.Sprintf("/nodes/%d", index[n.ID])
		switch {
		case !reached[n.ID]:
			bad(at, "unreachable", "node %q: no path from the start reaches it", n.ID)
		case !ends[n.ID]:
			bad(at, "never_ends", "node %q: no path from it reaches an approved or rejected end", n.ID)
		}
	}
	// A loop through condition and action nodes only: depth-first search over those nodes.
	state := map[string]int{} // 1 on the stack, 2 done
	var loop func(id string) string
	loop = func(id string) string {
		state[id] = 1
		for _, ed := range c.out[id] {
			to := c.nodes[ed.To]
			if to == nil || (to.Kind != NodeCondition && to.Kind != NodeAction) {
				continue
			}
			if state[to.ID] == 1 {
				return to.ID
			}
			if state[to.ID] == 0 {
				if l := loop(to.ID); l != "" {
					return l
				}
			}
		}
		state[id] = 2
		return ""
	}
	for _, n := range c.nodeList() {
		if (n.Kind == NodeCondition || n.Kind == NodeAction) && state[n.ID] == 0 {
			if l := loop(n.ID); l != "" {
				bad(fmt.Sprintf("/nodes/%d", index[l]), "loop", "node %q: it is part of a loop that passes no approval step and would never end", l)
				return
			}
		}
	}
}

// Node returns a node by id (nil: none).
func (c *CompiledProcess) Node(id string) *Node { return c.nodes[id] }

// recallUpdates keys the process's recall updates among the nodes' (no node id has a "@").
const recallUpdates = "@recall"

// compileUpdates compiles field updates (field -> expression) kept under key; at is the pointer of
// their owner ("" for the process).
func (c *CompiledProcess) compileUpdates(key, at, who string, updates map[string]string, obj *forms.Object,
	compile func(ptr, who, src string, want rules.Expect) *rules.Program, bad func(ptr, code, format string, args ...any)) {
	member := "/updates/"
	if key == recallUpdates {
		member = "/recall_updates/"
	}
	for _, name := range sortedKeys(updates) {
		f := obj.Field(name)
		if f == nil || f.Computed() {
			bad(at+member+name, "unknown_field", "%s%s has no field %q that can be set", who, obj.Name, name)
			continue
		}
		if prog := compile(at+member+name, who, updates[name], rules.Expect{Kind: rules.KindValue, Type: f.Type}); prog != nil {
			c.updates[key] = append(c.updates[key], fieldValue{f, prog})
		}
	}
}

// TimeoutMs is an approval node's timeout in milliseconds (0: none).
func (c *CompiledProcess) TimeoutMs(id string) int64 { return c.timeout[id] }

// Admits tells whether a record may be submitted: the entry condition holds (none: it does).
func (c *CompiledProcess) Admits(scope rules.Scope) Decision { return decide(c.entry, scope) }
