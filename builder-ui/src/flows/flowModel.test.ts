import { describe, expect, it } from 'vitest';
import type { ApprovalProcess } from '../api/approvalProcesses';
import {
  fromFlow,
  insertStep,
  newEdgeId,
  newNodeId,
  placeProblems,
  toFlow,
  toMeta,
  updatedFields,
  withDefault,
  type FlowNode,
} from './flowModel';

const discount = (): ApprovalProcess & Record<string, unknown> => ({
  name: 'discount',
  label: { en: 'Discount', 'zh-CN': ' ' },
  object: 'opportunity',
  entry_condition: ' discount > 10 ',
  recall_updates: { status: '"draft"' },
  nodes: [
    { id: 'start', kind: 'start', position: { x: 0, y: 0 } },
    { id: 'big', kind: 'condition', position: { x: 200.4, y: 19.6 } },
    {
      id: 'manager',
      kind: 'approval',
      approvers: [{ type: 'manager', levels: 0, role: 'stray' }],
      mode: 'any',
      threshold: 3,
      timeout: ' 2d ',
      updates: { status: '"pending"' },
      ...{ x_node_later: true }, // a newer server's key
    },
    { id: 'approved', kind: 'approved', updates: { status: '"approved"', '': '"lost"' } },
    { id: 'rejected', kind: 'rejected' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'big', condition: 'ignored' },
    { id: 'e2', from: 'big', to: 'manager', condition: ' discount > 30 ' },
    { id: 'e3', from: 'big', to: 'approved', default: true, condition: 'also ignored' },
    { id: 'e4', from: 'manager', to: 'approved' },
  ],
  version: 4,
  x_later: { kept: true },
});

const roundTrip = (p: ApprovalProcess) => {
  const { nodes, edges } = toFlow(p);
  return fromFlow(toMeta(p), nodes, edges);
};

describe('toFlow', () => {
  it('makes a step node per node, the start not deletable, and places nodes without a position in a row', () => {
    const { nodes, edges } = toFlow(discount());
    expect(nodes.map((n) => [n.id, n.type, n.deletable])).toEqual([
      ['start', 'step', false],
      ['big', 'step', true],
      ['manager', 'step', true],
      ['approved', 'step', true],
      ['rejected', 'step', true],
    ]);
    expect(nodes[2]!.position).toEqual({ x: 400, y: 160 });
    expect(edges[1]).toMatchObject({ id: 'e2', source: 'big', target: 'manager' });
  });
});

describe('fromFlow', () => {
  it('sends back the keys it does not know and drops the version, which a write refuses', () => {
    const p = roundTrip(discount());
    expect(p).not.toHaveProperty('version');
    expect((p as unknown as Record<string, unknown>).x_later).toEqual({ kept: true });
    expect(p.nodes.find((n) => n.id === 'manager')).toHaveProperty('x_node_later', true);
  });

  it('trims texts and leaves out empty translations', () => {
    const p = roundTrip(discount());
    expect(p.label).toEqual({ en: 'Discount' });
    expect(p.entry_condition).toBe('discount > 10');
  });

  it('rounds positions to whole pixels', () => {
    const p = roundTrip(discount());
    expect(p.nodes[1]!.position).toEqual({ x: 200, y: 20 });
  });

  it('gives an approval only its own members, with defaults', () => {
    const manager = roundTrip(discount()).nodes.find((n) => n.id === 'manager')!;
    // A manager approver has levels (at least 1) and nothing else; threshold only in threshold mode.
    expect(manager.approvers).toEqual([{ type: 'manager', levels: 1 }]);
    expect(manager.mode).toBe('any');
    expect(manager).not.toHaveProperty('threshold');
    expect(manager.timeout).toBe('2d');
    expect(manager.on_timeout).toBe('escalate');
    expect(manager).not.toHaveProperty('updates');
  });

  it('keeps a threshold in threshold mode and no timeout settings without a timeout', () => {
    const p = discount();
    p.nodes[2] = { id: 'manager', kind: 'approval', mode: 'threshold', timeout: '  ', on_timeout: 'approve' };
    const manager = roundTrip(p).nodes[2]!;
    expect(manager).toMatchObject({ approvers: [], mode: 'threshold', threshold: 0 });
    expect(manager).not.toHaveProperty('timeout');
    expect(manager).not.toHaveProperty('on_timeout');
  });

  it('keeps the updates of an end, without a row that names no field', () => {
    const approved = roundTrip(discount()).nodes.find((n) => n.id === 'approved')!;
    expect(approved.updates).toEqual({ status: '"approved"' });
    expect(roundTrip(discount()).nodes.find((n) => n.id === 'rejected')).not.toHaveProperty('updates');
  });

  it('keeps conditions only on edges leaving a condition, the default winning', () => {
    const edges = roundTrip(discount()).edges;
    expect(edges).toEqual([
      { id: 'e1', from: 'start', to: 'big' },
      { id: 'e2', from: 'big', to: 'manager', condition: 'discount > 30' },
      { id: 'e3', from: 'big', to: 'approved', default: true },
      { id: 'e4', from: 'manager', to: 'approved' },
    ]);
  });

  it('follows the canvas: a node moved and an edge redrawn', () => {
    const p = discount();
    const { nodes, edges } = toFlow(p);
    nodes[4] = { ...nodes[4]!, position: { x: 10, y: 20 } };
    edges[3] = { ...edges[3]!, target: 'rejected' };
    const out = fromFlow(toMeta(p), nodes, edges);
    expect(out.nodes[4]!.position).toEqual({ x: 10, y: 20 });
    expect(out.edges[3]).toEqual({ id: 'e4', from: 'manager', to: 'rejected' });
  });

  it('keeps the skip of a repeat approver, and leaves it out when off', () => {
    const p = { ...discount(), skip_repeat_approvers: true };
    const { nodes, edges } = toFlow(p);
    const meta = toMeta(p);
    expect(meta.skip_repeat_approvers).toBe(true);
    expect(meta.rest?.skip_repeat_approvers).toBeUndefined();
    expect(fromFlow(meta, nodes, edges).skip_repeat_approvers).toBe(true);
    expect('skip_repeat_approvers' in fromFlow({ ...meta, skip_repeat_approvers: false }, nodes, edges)).toBe(false);
  });

  it('leaves out settings left empty', () => {
    const p: ApprovalProcess = {
      name: 'p',
      object: 'o',
      nodes: [],
      edges: [],
      recall_updates: {},
      controlled_fields: ['', ''],
      disabled: false,
    };
    expect(roundTrip(p)).toEqual({ name: 'p', object: 'o', nodes: [], edges: [] });
  });
});

describe('updatedFields', () => {
  it('lists the fields the recall and every step update, sorted, once each', () => {
    const p = discount();
    const { nodes } = toFlow(p);
    expect(updatedFields(toMeta(p), nodes)).toEqual(['status']);
    const more: FlowNode[] = [
      ...nodes,
      { ...nodes[4]!, id: 'x', data: { def: { id: 'x', kind: 'action', updates: { b: '1', a: '2' } }, problems: [] } },
    ];
    expect(updatedFields(toMeta(p), more)).toEqual(['a', 'b', 'status']);
  });
});

describe('ids', () => {
  it('names an end by its kind first, then numbers', () => {
    expect(newNodeId('approved', new Set())).toBe('approved');
    expect(newNodeId('approved', new Set(['approved']))).toBe('approved_1');
    expect(newNodeId('approval', new Set(['approval_1', 'approval_2']))).toBe('approval_3');
  });

  it('numbers a second edge between the same nodes', () => {
    expect(newEdgeId('a', 'b', new Set())).toBe('e_a_b');
    expect(newEdgeId('a', 'b', new Set(['e_a_b', 'e_a_b_2']))).toBe('e_a_b_3');
  });
});

describe('placeProblems', () => {
  const nodeIds = ['start', 'manager'];
  const edgeIds = ['e1'];
  const problem = (pointer: string, message: string) => ({ pointer, code: 'invalid', message });

  it('lays a problem on the node or edge its pointer indexes', () => {
    const out = placeProblems(
      [problem('/nodes/1/approvers/0/team', 'no team'), problem('/edges/0', 'loop')],
      nodeIds,
      edgeIds,
    );
    expect(out.nodes.get('manager')).toEqual(['no team']);
    expect(out.edges.get('e1')).toEqual(['loop']);
    expect(out.general).toEqual([]);
  });

  it('falls back on the node named at the start of the message', () => {
    const out = placeProblems([problem('/nodes', 'node "manager": no approvers')], nodeIds, edgeIds);
    expect(out.nodes.get('manager')).toEqual(['node "manager": no approvers']);
  });

  it('keeps the rest for the process as a whole', () => {
    const ps = [problem('/nodes/9', 'out of range'), problem('/name', 'taken'), problem('', 'node "gone": x')];
    const out = placeProblems(ps, nodeIds, edgeIds);
    expect(out.general).toEqual(ps);
    expect(out.nodes.size).toBe(0);
  });

  it('collects several problems of one node in order', () => {
    const out = placeProblems([problem('/nodes/1/mode', 'a'), problem('/nodes/1/timeout', 'b')], nodeIds, edgeIds);
    expect(out.nodes.get('manager')).toEqual(['a', 'b']);
  });
});

describe('insertStep', () => {
  const { nodes, edges } = toFlow(discount());

  it('puts the step on the edge: the way in keeps the edge and its condition, the way out is new', () => {
    const next = insertStep(nodes, edges, 'e2', { id: 'action_1', kind: 'action' });
    expect(next.nodes.map((n) => n.id)).toEqual([...nodes.map((n) => n.id), 'action_1']);
    expect(next.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['action_1']);
    const into = next.edges.find((e) => e.id === 'e2')!;
    expect([into.source, into.target, into.data!.def.to, into.data!.def.condition]).toEqual([
      'big',
      'action_1',
      'action_1',
      ' discount > 30 ',
    ]);
    const out = next.edges.find((e) => e.source === 'action_1')!;
    expect(out.target).toBe('manager');
    expect(out.data!.def).toEqual({ id: 'e_action_1_manager', from: 'action_1', to: 'manager' });
    expect(next.edges).toHaveLength(edges.length + 1);
  });

  it('makes the way out of a new condition its default, so the flow goes on as before', () => {
    const next = insertStep(nodes, edges, 'e4', { id: 'condition_1', kind: 'condition' });
    expect(next.edges.find((e) => e.source === 'condition_1')!.data!.def.default).toBe(true);
    const p = fromFlow(toMeta(discount()), next.nodes, next.edges);
    expect(p.edges.find((e) => e.from === 'condition_1')).toEqual({
      id: 'e_condition_1_approved',
      from: 'condition_1',
      to: 'approved',
      default: true,
    });
  });

  it('changes nothing for an edge that is not there', () => {
    expect(insertStep(nodes, edges, 'nope', { id: 'x', kind: 'action' })).toEqual({ nodes, edges });
  });
});

describe('withDefault', () => {
  it('makes one way out of a condition the default and unmakes its sibling', () => {
    const { edges } = toFlow(discount());
    const next = withDefault(edges, 'e2');
    expect(next.find((e) => e.id === 'e2')!.data!.def).toMatchObject({ default: true, condition: '' });
    expect(next.find((e) => e.id === 'e3')!.data!.def.default).toBe(false);
    expect(next.find((e) => e.id === 'e4')).toBe(edges.find((e) => e.id === 'e4'));
  });
});

describe('a saved flow read back', () => {
  it('saves the same again, so that an undo to it is no change', () => {
    const once = fromFlow(toMeta(discount()), toFlow(discount()).nodes, toFlow(discount()).edges);
    const f = toFlow(once);
    expect(JSON.stringify(fromFlow(toMeta(once), f.nodes, f.edges))).toBe(JSON.stringify(once));
  });
});
