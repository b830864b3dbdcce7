import { describe, expect, it } from 'vitest';
import type { ApprovalProcess } from '../api/approvalProcesses';
import { toFlow } from './flowModel';
import { cardH, cardW, layoutFlow } from './layout';

// The shipped contract flow's shape: a branch that skips a step, and a rejected end no edge reaches.
const contract: ApprovalProcess = {
  name: 'contract_approval',
  object: 'contract',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'mark_pending', kind: 'action' },
    { id: 'area_manager', kind: 'approval' },
    { id: 'amount_check', kind: 'condition' },
    { id: 'finance_director', kind: 'approval' },
    { id: 'terms_check', kind: 'condition' },
    { id: 'legal_countersign', kind: 'approval' },
    { id: 'approved', kind: 'approved' },
    { id: 'rejected', kind: 'rejected' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'mark_pending' },
    { id: 'e2', from: 'mark_pending', to: 'area_manager' },
    { id: 'e3', from: 'area_manager', to: 'amount_check' },
    { id: 'e_big', from: 'amount_check', to: 'finance_director', condition: 'amount >= 50000' },
    { id: 'e_small', from: 'amount_check', to: 'terms_check', default: true },
    { id: 'e5', from: 'finance_director', to: 'terms_check' },
    { id: 'e6', from: 'terms_check', to: 'legal_countersign', condition: 'non_standard_terms == true' },
    { id: 'e7', from: 'terms_check', to: 'approved', default: true },
    { id: 'e8', from: 'legal_countersign', to: 'approved' },
  ],
};

describe('layoutFlow', () => {
  const { nodes, edges } = toFlow(contract);
  const at = layoutFlow(nodes, edges);

  it('puts every step below the steps that lead to it', () => {
    for (const e of edges)
      expect(at.get(e.target)!.y, `${e.source} → ${e.target}`).toBeGreaterThan(at.get(e.source)!.y);
  });

  it('runs the way taken when no condition holds straight down, branches beside it', () => {
    const spine = ['start', 'mark_pending', 'area_manager', 'amount_check', 'terms_check', 'approved'];
    for (const id of spine) expect(at.get(id)!.x, id).toBe(at.get('start')!.x);
    expect(at.get('finance_director')!.x).not.toBe(at.get('start')!.x);
  });

  it('lets no two cards overlap, and keeps them on the grid', () => {
    const ids = [...at.keys()];
    for (const [i, a] of ids.entries()) {
      const p = at.get(a)!;
      expect(p.x % 20).toBe(0);
      expect(p.y % 20).toBe(0);
      for (const b of ids.slice(i + 1)) {
        const q = at.get(b)!;
        const apart = Math.abs(p.x - q.x) >= cardW || Math.abs(p.y - q.y) >= cardH;
        expect(apart, `${a} and ${b} overlap`).toBe(true);
      }
    }
  });

  it('sets the rejected end at the bottom beside the approved one, not beside the start', () => {
    expect(at.get('rejected')!.y).toBe(at.get('approved')!.y);
    expect(at.get('rejected')!.y).toBeGreaterThan(at.get('legal_countersign')!.y);
  });

  it('keeps the ends side by side at the bottom when a condition is last before the end', () => {
    const small = toFlow({
      name: 'small',
      object: 'contract',
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'manager', kind: 'approval' },
        { id: 'check', kind: 'condition' },
        { id: 'approved', kind: 'approved' },
        { id: 'rejected', kind: 'rejected' },
      ],
      edges: [
        { id: 'e1', from: 'start', to: 'manager' },
        { id: 'e2', from: 'manager', to: 'check' },
        { id: 'e3', from: 'check', to: 'approved', default: true },
      ],
    });
    const p = layoutFlow(small.nodes, small.edges);
    expect(p.get('rejected')!.y).toBe(p.get('approved')!.y);
    for (const id of ['manager', 'check', 'approved']) expect(p.get(id)!.x, id).toBe(p.get('start')!.x);
  });

  it('uses a card’s measured size when it has one', () => {
    const tall = nodes.map((n) => (n.id === 'area_manager' ? { ...n, measured: { width: 180, height: 200 } } : n));
    const moved = layoutFlow(tall, edges);
    expect(moved.get('amount_check')!.y - moved.get('area_manager')!.y).toBeGreaterThanOrEqual(200);
  });
});
