package workflow

import (
	"fmt"
	"slices"

	"crm/rules"
)

// Statuses of a running process.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
	ApprovalRecalled = "recalled"
)

// What can happen to a running process.
const (
	ActApprove  = "approve"
	ActReject   = "reject"
	ActDelegate = "delegate"
	ActRecall   = "recall"
	ActTimeout  = "timeout"
)

// Task statuses, as a task closes.
const (
	TaskOpen      = "open"
	TaskApproved  = "approved"
	TaskRejected  = "rejected"
	TaskDelegated = "delegated"
	TaskEscalated = "escalated"
	TaskClosed    = "closed" // the step was decided by others
	TaskRecalled  = "recalled"
)

// maxAutoSteps bounds the condition and action nodes one transition walks through (the save
// check refuses loops among them; this is a second guard).
const maxAutoSteps = 200

// ApprovalState is where a running process stands; the engine stores it whole.
type ApprovalState struct {
	Status    string            `json:"status"`
	Node      string            `json:"node,omitempty"` // the current approval step, or the end reached
	Step      int64             `json:"step"`           // counts steps entered and escalations; keys tasks and timers
	Mode      string            `json:"mode,omitempty"`
	Need      int               `json:"need,omitempty"` // approvals that decide the step
	Approvers []string          `json:"approvers,omitempty"`
	Votes     map[string]string `json:"votes,omitempty"`    // approver -> approve or reject
	Approved  []string          `json:"approved,omitempty"` // who approved a step of this run so far
}

// ApprovalAction is one thing done to a running process.
type ApprovalAction struct {
	Kind string // approve, reject, delegate, recall, timeout
	User string // who acts (approve, reject, delegate)
	To   string // delegate: the user who takes over
}

// ApprovalEnv is what a transition may read besides the state: the record, the approvers a step
// resolves to and managers (both from the engine's directory, active users only).
type ApprovalEnv struct {
	Scope   rules.Scope
	Resolve func(n *Node) ([]string, error)
	Manager func(user string) string // "" when none
	// Fallback is who decides when a step's approvers resolve to nobody or an approver to escalate
	// has no manager: the process's fallback approver when active, else the active admins.
	Fallback func() []string
}

// Transition is the new state and the effects the engine applies.
type Transition struct {
	State    ApprovalState
	Events   []StepEvent  // what happened, in order, for the timeline
	Tasks    []TaskChange // tasks to open
	Closed   []TaskChange // tasks to close, with their new status
	Timer    *Timer       // the current step's timeout to plan
	Updates  []NodeUpdate // field values to set, per node passed
	Notices  []NodeNotice // notifications of nodes passed
	Finished string       // approved, rejected or recalled when the process ended
}

// StepEvent is one line of what a transition did.
type StepEvent struct {
	Kind string `json:"kind"` // submitted, entered, fallback, approved, rejected, delegated, recalled, timeout, escalated, routed, action, finished
	Node string `json:"node,omitempty"`
	User string `json:"user,omitempty"`
	To   string `json:"to,omitempty"`   // delegated: the new approver; routed: the next node
	Edge string `json:"edge,omitempty"` // routed: the edge taken
	Note string `json:"note,omitempty"`
}

// TaskChange names one approver's task at one step.
type TaskChange struct {
	Node   string
	Step   int64
	User   string
	Status string // for Closed
}

// Timer is a step's timeout, to fire AfterMs after the step was entered: counted in the hours of
// Calendar when it names one, else around the clock.
type Timer struct {
	Node     string
	Step     int64
	AfterMs  int64
	Calendar string `json:",omitempty"`
}

// NodeUpdate is the wire values an action or end node sets.
type NodeUpdate struct {
	Node   string
	Values map[string]any
}

// NodeNotice is a notification an action or end node sends.
type NodeNotice struct {
	Node   string
	Notice Notice
}

// ApprovalError is a refused action, with a stable code the engine maps to a status.
type ApprovalError struct {
	Code    string // not_pending, not_approver, already_answered, no_approvers, too_few_approvers, invalid_delegate, update_failed
	Message string
}

func (e *ApprovalError) Error() string { return e.Code + ": " + e.Message }

func refuse(code, format string, args ...any) error {
	return &ApprovalError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Start submits a record: the walk from the start node to the first approval step (or an end).
func (c *CompiledProcess) Start(env ApprovalEnv) (*Transition, error) {
	t := &Transition{State: ApprovalState{Status: ApprovalPending}}
	t.Events = append(t.Events, StepEvent{Kind: "submitted"})
	for _, n := range c.nodeList() {
		if n.Kind == NodeStart {
			return t, c.walk(t, c.out[n.ID][0].To, env)
		}
	}
	return nil, refuse("no_start", "the process has no start node")
}

// Act applies one action to a running process and returns the transition; the state given is
// not changed.
func (c *CompiledProcess) Act(s ApprovalState, a ApprovalAction, env ApprovalEnv) (*Transition, error) {
	t := &Transition{State: s}
	t.State.Approvers = slices.Clone(s.Approvers)
	t.State.Approved = slices.Clone(s.Approved)
	t.State.Votes = map[string]string{}
	for k, v := range s.Votes {
		t.State.Votes[k] = v
	}
	st := &t.State
	if st.Status != ApprovalPending {
		return nil, refuse("not_pending", "the process has ended (%s)", st.Status)
	}
	node := c.nodes[st.Node]
	if node == nil || node.Kind != NodeApproval {
		return nil, refuse("not_pending", "the process is not at an approval step")
	}
	switch a.Kind {
	case ActApprove, ActReject:
		if !slices.Contains(st.Approvers, a.User) {
			return nil, refuse("not_approver", "you are not an approver of step %q", st.Node)
		}
		if st.Votes[a.User] != "" {
			return nil, refuse("already_answered", "you answered step %q already", st.Node)
		}
		st.Votes[a.User] = a.Kind
		status := TaskApproved
		if a.Kind == ActReject {
			status = TaskRejected
		} else if !slices.Contains(st.Approved, a.User) {
			st.Approved = append(st.Approved, a.User)
		}
		t.Closed = append(t.Closed, TaskChange{Node: st.Node, Step: st.Step, User: a.User, Status: status})
		t.Events = append(t.Events, StepEvent{Kind: status, Node: st.Node, User: a.User})
		return t, c.settle(t, env)
	case ActDelegate:
		if !slices.Contains(st.Approvers, a.User) || st.Votes[a.User] != "" {
			return nil, refuse("not_approver", "only an approver who has not answered step %q may delegate it", st.Node)
		}
		if a.To == "" || a.To == a.User || slices.Contains(st.Approvers, a.To) {
			return nil, refuse("invalid_delegate", "delegate to another user who is not already an approver of step %q", st.Node)
		}
		st.Approvers[slices.Index(st.Approvers, a.User)] = a.To
		t.Closed = append(t.Closed, TaskChange{Node: st.Node, Step: st.Step, User: a.User, Status: TaskDelegated})
		t.Tasks = append(t.Tasks, TaskChange{Node: st.Node, Step: st.Step, User: a.To})
		t.Events = append(t.Events, StepEvent{Kind: "delegated", Node: st.Node, User: a.User, To: a.To})
		return t, nil
	case ActRecall:
		c.closeOpen(t, TaskRecalled)
		st.Status, t.Finished = ApprovalRecalled, ApprovalRecalled
		t.Events = append(t.Events, StepEvent{Kind: "recalled", Node: st.Node, User: a.User})
		if err := c.apply(t, &Node{ID: recallUpdates}, env); err != nil {
			return nil, err
		}
		return t, nil
	case ActTimeout:
		t.Events = append(t.Events, StepEvent{Kind: "timeout", Node: st.Node, Note: node.OnTimeout})
		switch node.OnTimeout {
		case OnTimeoutApprove:
			c.closeOpen(t, TaskClosed)
			return t, c.walk(t, c.out[node.ID][0].To, env)
		case OnTimeoutReject:
			c.closeOpen(t, TaskClosed)
			return t, c.finish(t, c.reject, env)
		}
		return t, c.escalate(t, node, env)
	}
	return nil, refuse("invalid_action", "unknown action %q", a.Kind)
}

// settle decides the current step from its votes: approved, rejected or still open.
func (c *CompiledProcess) settle(t *Transition, env ApprovalEnv) error {
	st := &t.State
	approvals, rejections := 0, 0
	for _, u := range st.Approvers {
		switch st.Votes[u] {
		case ActApprove:
			approvals++
		case ActReject:
			rejections++
		}
	}
	m := len(st.Approvers)
	var approved, rejected bool
	switch st.Mode {
	case ModeAll:
		approved, rejected = approvals == m, rejections > 0
	case ModeThreshold:
		approved, rejected = approvals >= st.Need, m-rejections < st.Need
	default: // any: the first answer decides
		approved, rejected = approvals > 0, rejections > 0
	}
	switch {
	case rejected:
		c.closeOpen(t, TaskClosed)
		return c.finish(t, c.reject, env)
	case approved:
		c.closeOpen(t, TaskClosed)
		return c.walk(t, c.out[st.Node][0].To, env)
	}
	return nil
}

// closeOpen closes the tasks of the current step's approvers who have not answered.
func (c *CompiledProcess) closeOpen(t *Transition, status string) {
	st := &t.State
	for _, u := range st.Approvers {
		if st.Votes[u] == "" {
			t.Closed = append(t.Closed, TaskChange{Node: st.Node, Step: st.Step, User: u, Status: status})
		}
	}
}

// escalate hands the unanswered part of a timed-out step to each approver's manager.
func (c *CompiledProcess) escalate(t *Transition, node *Node, env ApprovalEnv) error {
	st := &t.State
	var next []string
	moved := false
	for _, u := range st.Approvers {
		if st.Votes[u] != "" {
			next = append(next, u)
			continue
		}
		var to []string
		note := ""
		if env.Manager != nil {
			if m := env.Manager(u); m != "" && m != u {
				to = []string{m}
			}
		}
		if len(to) == 0 && env.Fallback != nil {
			// Nobody above: the fallback, not silence.
			to = slices.DeleteFunc(env.Fallback(), func(f string) bool { return f == u })
			note = "no manager: escalated to the fallback"
		}
		if len(to) == 0 {
			next = append(next, u) // nobody else at all: the approver keeps the task
			continue
		}
		moved = true
		for _, m := range to {
			if !slices.Contains(next, m) && !slices.Contains(st.Approvers, m) {
				next = append(next, m)
			}
			t.Events = append(t.Events, StepEvent{Kind: "escalated", Node: node.ID, User: u, To: m, Note: note})
		}
	}
	if !moved {
		return nil // nobody to escalate to: the step waits, without another timer
	}
	c.closeOpen(t, TaskEscalated)
	st.Approvers = next
	st.Step++
	if st.Mode == ModeAll {
		st.Need = len(next)
	}
	for _, u := range next {
		if st.Votes[u] == "" {
			t.Tasks = append(t.Tasks, TaskChange{Node: node.ID, Step: st.Step, User: u})
		}
	}
	if ms := c.timeout[node.ID]; ms > 0 {
		t.Timer = &Timer{Node: node.ID, Step: st.Step, AfterMs: ms, Calendar: node.Calendar}
	}
	return nil
}

// walk moves from a node through conditions and actions to the next approval step or an end.
func (c *CompiledProcess) walk(t *Transition, id string, env ApprovalEnv) error {
	for i := 0; i < maxAutoSteps; i++ {
		n := c.nodes[id]
		if n == nil {
			return refuse("broken_process", "no node %q", id)
		}
		switch n.Kind {
		case NodeCondition:
			next := c.route(t, n, env.Scope)
			t.Events = append(t.Events, StepEvent{Kind: "routed", Node: n.ID, Edge: next.ID, To: next.To})
			id = next.To
		case NodeAction:
			if err := c.apply(t, n, env); err != nil {
				return err
			}
			t.Events = append(t.Events, StepEvent{Kind: "action", Node: n.ID})
			id = c.out[n.ID][0].To
		case NodeApproval:
			return c.enter(t, n, env)
		case NodeApproved, NodeRejected:
			return c.finish(t, n.ID, env)
		default:
			id = c.out[n.ID][0].To
		}
	}
	return refuse("broken_process", "the process passed %d automatic steps without reaching an approval step or an end", maxAutoSteps)
}

// route picks the first edge whose condition holds, else the default. A condition that cannot
// be evaluated does not hold.
func (c *CompiledProcess) route(t *Transition, n *Node, scope rules.Scope) *Edge {
	var def *Edge
	for _, ed := range c.out[n.ID] {
		if ed.Default {
			def = ed
			continue
		}
		if d := decide(c.conds[ed.ID], scope); d.Run {
			return ed
		}
	}
	return def
}

// enter starts an approval step: its approvers, the answers that decide it, tasks and a timer.
func (c *CompiledProcess) enter(t *Transition, n *Node, env ApprovalEnv) error {
	approvers, err := env.Resolve(n)
	if err != nil {
		return err
	}
	fallback := false
	if len(approvers) == 0 && env.Fallback != nil {
		approvers, fallback = env.Fallback(), true
	}
	if len(approvers) == 0 {
		return refuse("no_approvers", "step %q has no active approver", n.ID)
	}
	st := &t.State
	st.Node, st.Mode, st.Approvers, st.Votes = n.ID, n.Mode, approvers, map[string]string{}
	if st.Mode == "" {
		st.Mode = ModeAny
	}
	st.Step++
	switch st.Mode {
	case ModeAll:
		st.Need = len(approvers)
	case ModeThreshold:
		st.Need = n.Threshold
		if n.Threshold > len(approvers) {
			return refuse("too_few_approvers", "step %q needs %d approvals but has %d approvers", n.ID, n.Threshold, len(approvers))
		}
	default:
		st.Need = 1
	}
	t.Events = append(t.Events, StepEvent{Kind: "entered", Node: n.ID})
	if fallback {
		for _, u := range approvers {
			t.Events = append(t.Events, StepEvent{Kind: "fallback", Node: n.ID, To: u, Note: "no active approver (e.g. the submitter has no manager): the fallback decides"})
		}
	}
	if c.SkipRepeatApprovers {
		for _, u := range approvers {
			if slices.Contains(st.Approved, u) {
				st.Votes[u] = ActApprove
				t.Events = append(t.Events, StepEvent{Kind: "skipped", Node: n.ID, User: u, Note: "approved earlier in this run"})
			}
		}
		if len(st.Votes) > 0 {
			if decided, err := c.settleEntered(t, env); decided || err != nil {
				return err
			}
		}
	}
	for _, u := range approvers {
		if st.Votes[u] == "" {
			t.Tasks = append(t.Tasks, TaskChange{Node: n.ID, Step: st.Step, User: u})
		}
	}
	if ms := c.timeout[n.ID]; ms > 0 {
		t.Timer = &Timer{Node: n.ID, Step: st.Step, AfterMs: ms, Calendar: n.Calendar}
	}
	return nil
}

// settleEntered decides a step just entered whose repeat approvers were counted: when their
// approvals decide it, it is passed without opening tasks (none are open to close).
func (c *CompiledProcess) settleEntered(t *Transition, env ApprovalEnv) (bool, error) {
	st := &t.State
	approvals := 0
	for _, u := range st.Approvers {
		if st.Votes[u] == ActApprove {
			approvals++
		}
	}
	if approvals < st.Need {
		return false, nil
	}
	return true, c.walk(t, c.out[st.Node][0].To, env)
}

// finish ends the process at an end node, with that node's updates and notices.
func (c *CompiledProcess) finish(t *Transition, id string, env ApprovalEnv) error {
	n := c.nodes[id]
	if n == nil {
		return refuse("broken_process", "the process has no %q end", id)
	}
	if err := c.apply(t, n, env); err != nil {
		return err
	}
	st := &t.State
	st.Status, st.Node, st.Approvers, st.Votes, st.Need, st.Mode = n.Kind, n.ID, nil, nil, 0, ""
	t.Finished = n.Kind
	t.Events = append(t.Events, StepEvent{Kind: "finished", Node: n.ID, Note: n.Kind})
	return nil
}

// apply computes an action or end node's field values and notice.
func (c *CompiledProcess) apply(t *Transition, n *Node, env ApprovalEnv) error {
	if fvs := c.updates[n.ID]; len(fvs) > 0 {
		vals := map[string]any{}
		for _, fv := range fvs {
			v, err := fv.prog.Run(env.Scope)
			if err != nil && !rules.Empty(err) {
				return refuse("update_failed", "node %q: %s: %v", n.ID, fv.field.Name, err)
			}
			w, err := rules.WireValue(fv.field, v)
			if err != nil {
				return refuse("update_failed", "node %q: %s: %v", n.ID, fv.field.Name, err)
			}
			vals[fv.field.Name] = w
		}
		t.Updates = append(t.Updates, NodeUpdate{Node: n.ID, Values: vals})
	}
	if n.Notify != nil {
		t.Notices = append(t.Notices, NodeNotice{Node: n.ID, Notice: *n.Notify})
	}
	return nil
}
