import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../api/client';
import type { Label } from '../api/objects';
import {
  processServerKeys,
  type ApprovalProcess,
  type Approver,
  type FlowEdgeDef,
  type FlowNodeDef,
  type NodeKind,
} from '../api/approvalProcesses';

// The editor's state is xyflow's nodes and edges, each carrying its definition; this file turns a
// process into that state and back, and lays the server's save problems on the elements they name.

export type FlowNodeData = { def: FlowNodeDef; problems: string[] };
export type FlowNode = Node<FlowNodeData, 'step'>;
export type FlowEdgeData = { def: FlowEdgeDef; problems: string[] };
export type FlowEdge = Edge<FlowEdgeData, 'step'>;

/** The process's own settings, edited when nothing on the canvas is selected. */
export interface FlowMeta {
  name: string;
  label?: Label;
  object: string;
  disabled?: boolean;
  entry_condition?: string;
  recall_updates?: Record<string, string>;
  /** Fields only this process sets, besides those its updates set. */
  controlled_fields?: string[];
  /** An approver who approved earlier in the same run is not asked again. */
  skip_repeat_approvers?: boolean;
  /** Keys of the process this editor does not know (a newer server's), sent back as loaded. */
  rest?: Record<string, unknown>;
}

// What the editor knows of a process, a node and an edge: it rebuilds these on save and sends
// every other key back as it came, so that a setting added on the server is not lost by a save
// here. The server's own read-only keys (the version) are left out: a write refuses them.
const processKeys = [
  'name',
  'label',
  'object',
  'disabled',
  'entry_condition',
  'recall_updates',
  'controlled_fields',
  'skip_repeat_approvers',
  'nodes',
  'edges',
  ...processServerKeys,
];
const nodeKeys = [
  'id',
  'kind',
  'label',
  'position',
  'approvers',
  'mode',
  'threshold',
  'timeout',
  'on_timeout',
  'calendar',
  'updates',
  'notify',
];
const edgeKeys = ['id', 'from', 'to', 'condition', 'default'];

/** The members of o whose keys are not in known. */
export function unknownKeys(o: object | undefined, known: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !known.includes(k)));
}

/** The process's own settings as the editor holds them. */
export function toMeta(p: ApprovalProcess): FlowMeta {
  const rest = unknownKeys(p, processKeys);
  return {
    name: p.name,
    label: p.label,
    object: p.object,
    disabled: p.disabled,
    entry_condition: p.entry_condition,
    recall_updates: p.recall_updates,
    controlled_fields: p.controlled_fields,
    skip_repeat_approvers: p.skip_repeat_approvers,
    ...(Object.keys(rest).length ? { rest } : {}),
  };
}

/** The fields the process's updates set (every step's and the recall's): controlled anyway. */
export function updatedFields(meta: FlowMeta, nodes: FlowNode[]): string[] {
  const seen = new Set(Object.keys(meta.recall_updates ?? {}));
  for (const n of nodes) for (const f of Object.keys(n.data.def.updates ?? {})) seen.add(f);
  seen.delete('');
  return [...seen].sort();
}

export const grid = 20;
export const snap = (v: number) => Math.round(v / grid) * grid;

/** Kinds that a palette adds; a process has its one start from the beginning. */
export const paletteKinds: NodeKind[] = ['approval', 'condition', 'action', 'approved', 'rejected'];

export const hasIn = (k: NodeKind) => k !== 'start';
export const hasOut = (k: NodeKind) => k !== 'approved' && k !== 'rejected';
/** Start, approval and action nodes leave by exactly one edge. */
export const singleOut = (k: NodeKind) => k === 'start' || k === 'approval' || k === 'action';

export function toFlow(p: ApprovalProcess): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = p.nodes.map((n, i) => ({
    id: n.id,
    type: 'step',
    position: n.position ? { ...n.position } : { x: i * 200, y: 160 },
    data: { def: n, problems: [] },
    deletable: n.kind !== 'start',
  }));
  const edges: FlowEdge[] = p.edges.map((e) => ({
    id: e.id,
    type: 'step',
    source: e.from,
    target: e.to,
    data: { def: e, problems: [] },
  }));
  return { nodes, edges };
}

function cleanLabel(l?: Label): Label | undefined {
  const out: Label = {};
  for (const [k, v] of Object.entries(l ?? {})) if (v?.trim()) out[k] = v.trim();
  return Object.keys(out).length ? out : undefined;
}

function cleanApprover(a: Approver): Approver {
  switch (a.type) {
    case 'user':
      return { type: a.type, users: a.users ?? [] };
    case 'role':
      return { type: a.type, role: a.role ?? '' };
    case 'team':
      return { type: a.type, team: a.team ?? '' };
    case 'manager':
      return { type: a.type, levels: a.levels || 1 };
    case 'field':
      return { type: a.type, field: a.field ?? '' };
  }
}

/** A node as the server takes it: only the members its kind has. */
function nodeDef(n: FlowNode): FlowNodeDef {
  const d = n.data.def;
  const out: FlowNodeDef = { ...unknownKeys(d, nodeKeys), id: n.id, kind: d.kind };
  const label = cleanLabel(d.label);
  if (label) out.label = label;
  out.position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  if (d.kind === 'approval') {
    out.approvers = (d.approvers ?? []).map(cleanApprover);
    out.mode = d.mode ?? 'any';
    if (out.mode === 'threshold') out.threshold = d.threshold ?? 0;
    if (d.timeout?.trim()) {
      out.timeout = d.timeout.trim();
      out.on_timeout = d.on_timeout ?? 'escalate';
      if (d.calendar) out.calendar = d.calendar;
    }
  }
  if (d.kind === 'action' || d.kind === 'approved' || d.kind === 'rejected') {
    const updates = Object.fromEntries(Object.entries(d.updates ?? {}).filter(([f]) => f));
    if (Object.keys(updates).length) out.updates = updates;
    if (d.notify) out.notify = d.notify;
  }
  return out;
}

export function fromFlow(meta: FlowMeta, nodes: FlowNode[], edges: FlowEdge[]): ApprovalProcess {
  const kindOf = new Map(nodes.map((n) => [n.id, n.data.def.kind]));
  const p: ApprovalProcess = {
    ...meta.rest,
    name: meta.name,
    object: meta.object,
    nodes: nodes.map(nodeDef),
    edges: edges.map((e) => {
      const out: FlowEdgeDef = { ...unknownKeys(e.data?.def, edgeKeys), id: e.id, from: e.source, to: e.target };
      if (kindOf.get(e.source) === 'condition') {
        if (e.data?.def.default) out.default = true;
        else if (e.data?.def.condition?.trim()) out.condition = e.data.def.condition.trim();
      }
      return out;
    }),
  };
  const label = cleanLabel(meta.label);
  if (label) p.label = label;
  if (meta.entry_condition?.trim()) p.entry_condition = meta.entry_condition.trim();
  if (meta.recall_updates && Object.keys(meta.recall_updates).length > 0) p.recall_updates = meta.recall_updates;
  const controlled = (meta.controlled_fields ?? []).filter((f) => f);
  if (controlled.length) p.controlled_fields = controlled;
  if (meta.disabled) p.disabled = true;
  if (meta.skip_repeat_approvers) p.skip_repeat_approvers = true;
  return p;
}

/** A fresh id for a node of this kind: the kind itself for ends, else kind_N. */
export function newNodeId(kind: NodeKind, taken: Set<string>): string {
  if ((kind === 'approved' || kind === 'rejected') && !taken.has(kind)) return kind;
  for (let i = 1; ; i++) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

export function newEdgeId(from: string, to: string, taken: Set<string>): string {
  const base = `e_${from}_${to}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export interface PlacedProblems {
  nodes: Map<string, string[]>;
  edges: Map<string, string[]>;
  /** Problems of the process as a whole (its name, the start count, ...). */
  general: Problem[];
}

/**
 * Lays each problem on the node or edge its pointer names (/nodes/3/approvers/0/team is the
 * fourth node sent); a pointer without an index falls back on the message's `node "id":` prefix.
 */
export function placeProblems(problems: Problem[], nodeIds: string[], edgeIds: string[]): PlacedProblems {
  const out: PlacedProblems = { nodes: new Map(), edges: new Map(), general: [] };
  const add = (m: Map<string, string[]>, id: string, msg: string) => m.set(id, [...(m.get(id) ?? []), msg]);
  for (const p of problems) {
    const at = /^\/(nodes|edges)\/(\d+)(\/|$)/.exec(p.pointer);
    const byIndex = at ? (at[1] === 'nodes' ? nodeIds : edgeIds)[Number(at[2])] : undefined;
    if (at && byIndex !== undefined) {
      add(at[1] === 'nodes' ? out.nodes : out.edges, byIndex, p.message);
      continue;
    }
    const named = /^(node|edge) "([^"]*)"/.exec(p.message);
    if (named && (named[1] === 'node' ? nodeIds : edgeIds).includes(named[2]!)) {
      add(named[1] === 'node' ? out.nodes : out.edges, named[2]!, p.message);
      continue;
    }
    out.general.push(p);
  }
  return out;
}

/**
 * Puts a new step on an edge: from → step → to. The way into the step keeps the edge's id and its
 * condition (a branch stays the branch it was); the way out is new, and is the default way when the
 * step is a condition, so that the flow behaves as before until the step gets its own branches.
 */
export function insertStep(
  nodes: FlowNode[],
  edges: FlowEdge[],
  edgeId: string,
  def: FlowNodeDef,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const at = edges.find((e) => e.id === edgeId);
  if (!at) return { nodes, edges };
  const from = nodes.find((n) => n.id === at.source);
  const to = nodes.find((n) => n.id === at.target);
  const node: FlowNode = {
    id: def.id,
    type: 'step',
    // Between the two, until the editor lays the flow out again.
    position: {
      x: snap(((from?.position.x ?? 0) + (to?.position.x ?? 0)) / 2),
      y: snap(((from?.position.y ?? 0) + (to?.position.y ?? 0)) / 2),
    },
    data: { def, problems: [] },
    selected: true,
  };
  const into: FlowEdge = {
    ...at,
    target: def.id,
    selected: false,
    data: { def: { ...at.data!.def, to: def.id }, problems: [] },
  };
  const outId = newEdgeId(def.id, at.target, new Set(edges.map((e) => e.id)));
  const out: FlowEdge = {
    id: outId,
    type: 'step',
    source: def.id,
    target: at.target,
    markerEnd: at.markerEnd,
    data: {
      def: { id: outId, from: def.id, to: at.target, ...(def.kind === 'condition' ? { default: true } : {}) },
      problems: [],
    },
  };
  return {
    nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
    edges: edges.flatMap((e) => (e.id === edgeId ? [into, out] : [e.selected ? { ...e, selected: false } : e])),
  };
}

/** Makes one edge the default way out of its condition: a condition has one, so its siblings stop being it. */
export function withDefault(edges: FlowEdge[], edgeId: string): FlowEdge[] {
  const chosen = edges.find((e) => e.id === edgeId);
  if (!chosen) return edges;
  return edges.map((e) => {
    if (e.id === edgeId) return { ...e, data: { ...e.data!, def: { ...e.data!.def, default: true, condition: '' } } };
    if (e.source === chosen.source && e.data?.def.default)
      return { ...e, data: { ...e.data, def: { ...e.data.def, default: false } } };
    return e;
  });
}
