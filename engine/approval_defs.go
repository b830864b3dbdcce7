package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Approval process definitions. The current definition of a process lives in
// meta_approval_processes (id: the name; its stored version is the process version). Every
// version is also kept in meta_approval_versions (id: "name@version"), because a running process
// finishes on the version it started with while new submissions take the newest. The version
// document is written after the current one; a crash in between is healed by whoever next needs
// that version (it can only be the current one), so no multi-document transaction is needed.
const (
	collApprovalProcs    = "meta_approval_processes"
	collApprovalVersions = "meta_approval_versions"
)

// ApprovalProcessDef is a process as the API shows it.
type ApprovalProcessDef struct {
	workflow.ApprovalProcess
	Version int64 `json:"version"`
}

func (p people) RoleExists(name string) bool { return name == RoleAdmin || p.dir.roles[name] != nil }

// ListApprovalProcesses returns the current processes, of one object when object is not empty.
func (e *Engine) ListApprovalProcesses(ctx context.Context, by *Actor, object string) ([]*ApprovalProcessDef, error) {
	var f store.Filter
	if object != "" {
		f = store.Compare{Field: "object", Op: store.Eq, Value: object, Scalar: true}
	}
	docs, err := e.store.Find(ctx, collApprovalProcs, store.Query{Filter: f})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*ApprovalProcessDef, 0, len(docs))
	for _, d := range docs {
		p, err := processFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// GetApprovalProcess returns a process's current version (version 0) or an earlier one.
func (e *Engine) GetApprovalProcess(ctx context.Context, by *Actor, name string, version int64) (*ApprovalProcessDef, error) {
	d, err := e.store.Get(ctx, collApprovalProcs, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "approval_process_not_found", "no approval process named %q", name)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	cur, err := processFromDoc(d)
	if err != nil || version == 0 || version == cur.Version {
		return cur, err
	}
	return e.processVersion(ctx, name, version, nil)
}

// processVersion reads one version of a process. cur, when given, is the current definition: if
// the version asked for is the current one and its copy is missing (a crash after saving it),
// the copy is written now.
func (e *Engine) processVersion(ctx context.Context, name string, version int64, cur *ApprovalProcessDef) (*ApprovalProcessDef, error) {
	d, err := e.store.Get(ctx, collApprovalVersions, versionID(name, version))
	if errors.Is(err, store.ErrNotFound) && cur != nil && cur.Version == version {
		return cur, e.keepVersion(ctx, cur)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "approval_process_not_found", "no version %d of approval process %q", version, name)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var stored struct {
		Definition workflow.ApprovalProcess `json:"definition"`
	}
	if err := decodeDoc(collApprovalVersions, d, &stored); err != nil {
		return nil, err
	}
	p := ApprovalProcessDef{ApprovalProcess: stored.Definition}
	p.Version = version
	return &p, nil
}

func versionID(name string, version int64) string { return name + "@" + strconv.FormatInt(version, 10) }

// keepVersion stores the copy of a version (once: a second copy of the same version is the same).
func (e *Engine) keepVersion(ctx context.Context, p *ApprovalProcessDef) error {
	def, err := structToDoc(p.ApprovalProcess)
	if err != nil {
		return err
	}
	err = e.store.Insert(ctx, collApprovalVersions, store.Doc{"id": versionID(p.Name, p.Version), "name": p.Name,
		"process_version": p.Version, "definition": def, "saved_at": e.stamp()})
	if err != nil && !errors.Is(err, store.ErrDuplicateID) {
		return storeErr(err)
	}
	return nil
}

func processFromDoc(d store.Doc) (*ApprovalProcessDef, error) {
	var p ApprovalProcessDef
	if err := decodeDoc(collApprovalProcs, d, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// SaveApprovalProcess creates (create) or changes a process after checking it whole; a change
// is a new version. Analysts and admins only.
func (e *Engine) SaveApprovalProcess(ctx context.Context, by *Actor, p *workflow.ApprovalProcess, create bool, ifMatch int64) (*ApprovalProcessDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if _, err := e.compileProcess(ctx, p, true); err != nil {
		return nil, err
	}
	doc, err := structToDoc(p)
	if err != nil {
		return nil, err
	}
	doc["id"] = p.Name
	var version int64 = 1
	if create {
		if err := e.store.Insert(ctx, collApprovalProcs, doc); err != nil {
			if errors.Is(err, store.ErrDuplicateID) {
				return nil, errorf(KindConflict, "approval_process_exists", "an approval process named %q exists", p.Name)
			}
			return nil, storeErr(err)
		}
	} else {
		old, err := e.GetApprovalProcess(ctx, by, p.Name, 0)
		if err != nil {
			return nil, err
		}
		if ifMatch != 0 && ifMatch != old.Version {
			return nil, storeErr(store.ErrVersionConflict)
		}
		if old.Object != p.Object {
			return nil, InvalidDefinition([]forms.Problem{{Pointer: "/object", Code: "invalid_option",
				Message: fmt.Sprintf("a process stays with its object (%s); make a new process for another", old.Object)}})
		}
		if err := e.store.Replace(ctx, collApprovalProcs, doc, old.Version); err != nil {
			return nil, storeErr(err)
		}
		version = old.Version + 1
	}
	out := &ApprovalProcessDef{ApprovalProcess: *p, Version: version}
	if err := e.keepVersion(ctx, out); err != nil {
		e.log.Warn("approval process version not copied; the next submission copies it", "process", p.Name, "err", err)
	}
	e.bumpSetting(ctx, approvalsKey)
	e.audit(ctx, by, auditEntry{Action: approvalProcessesKind.audited("saved"), Object: p.Object, Record: versionID(p.Name, version)})
	return out, nil
}

// DeleteApprovalProcess removes a process: nothing new can be submitted to it; running ones
// finish on their version.
func (e *Engine) DeleteApprovalProcess(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	err := e.store.Delete(ctx, collApprovalProcs, name, 0)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(KindNotFound, "approval_process_not_found", "no approval process named %q", name)
	}
	if err != nil {
		return storeErr(err)
	}
	e.bumpSetting(ctx, approvalsKey)
	e.audit(ctx, by, auditEntry{Action: approvalProcessesKind.audited("deleted"), Record: name})
	return nil
}

// compileProcess checks a process against its object's current definition. strict checks the
// users, teams and roles it names (at save); a stored version compiles without (a user removed
// since then resolves to nobody, which the step reports when it is entered).
func (e *Engine) compileProcess(ctx context.Context, p *workflow.ApprovalProcess, strict bool) (*workflow.CompiledProcess, error) {
	def, err := e.current(ctx, p.Object)
	if err != nil {
		if isNotFound(err) {
			return nil, InvalidDefinition([]forms.Problem{{Pointer: "/object", Code: "unknown_object", Message: fmt.Sprintf("no object named %q", p.Object)}})
		}
		return nil, err
	}
	var who workflow.ApprovalPeople = anyRole{}
	if strict {
		dir, err := e.directory(ctx)
		if err != nil {
			return nil, err
		}
		who = people{dir}
	}
	c, probs := workflow.CompileApproval(p, def.rules.Env, def.obj, who)
	if strict {
		calProbs, err := e.checkApprovalCalendars(ctx, p)
		if err != nil {
			return nil, err
		}
		probs = append(probs, calProbs...)
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	return c, nil
}

// checkApprovalCalendars finds the steps whose timeout counts in a calendar that does not exist.
func (e *Engine) checkApprovalCalendars(ctx context.Context, p *workflow.ApprovalProcess) ([]forms.Problem, error) {
	var probs []forms.Problem
	var set *slaSet // read once, and only when a step names a calendar
	for i, n := range p.Nodes {
		if n.Calendar == "" {
			continue
		}
		if set == nil {
			var err error
			if set, err = e.slaPolicies(ctx); err != nil {
				return nil, err
			}
		}
		if set.schedules[n.Calendar] == nil {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("/nodes/%d/calendar", i), Code: "unknown_calendar",
				Message: fmt.Sprintf("no business calendar named %q", n.Calendar)})
		}
	}
	return probs, nil
}

type anyRole struct{ anyone }

func (anyRole) RoleExists(string) bool { return true }

// compiledVersion is one version of a process compiled against the object's current definition,
// cached per both versions.
func (e *Engine) compiledVersion(ctx context.Context, p *ApprovalProcessDef) (*workflow.CompiledProcess, *definition, error) {
	def, err := e.current(ctx, p.Object)
	if err != nil {
		return nil, nil, err
	}
	key := fmt.Sprintf("%s@%d#%d", p.Name, p.Version, def.version)
	if c, ok := e.approvalCache.Load(key); ok {
		return c.(*workflow.CompiledProcess), def, nil
	}
	c, err := e.compileProcess(ctx, &p.ApprovalProcess, false)
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) && ee.Code == "invalid_definition" {
			return nil, nil, &Error{Kind: KindUnavailable, Code: "definition_broken", Problems: ee.Problems,
				Message: fmt.Sprintf("version %d of approval process %s no longer compiles against %s; an analyst must fix it", p.Version, p.Name, p.Object)}
		}
		return nil, nil, err
	}
	e.approvalCache.Store(key, c)
	return c, def, nil
}
