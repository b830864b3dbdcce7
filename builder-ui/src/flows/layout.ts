import { Graph, layout } from '@dagrejs/dagre';
import type { FlowEdge, FlowNode } from './flowModel';
import { snap } from './flowModel';

// Top-to-bottom layout, as the approval designers people know draw it (DingTalk, Feishu): each
// step under the one before, branches side by side. dagre ranks the steps and orders each rank to
// keep edges from crossing; the editor draws its own edges between the placed cards.

/** A card's size when it has not been measured yet (the CSS's width and usual height). */
export const cardW = 180;
export const cardH = 64;
// Room between rows for an edge's label and its "+".
const rankGap = 72;
const sideGap = 48;

type Sized = Pick<FlowNode, 'id' | 'measured'> & { data: { def: { kind: string } } };
type Joined = Pick<FlowEdge, 'source' | 'target' | 'data'>;

/**
 * Each node's top-left corner in a top-down layout, on the editor's grid. The rejected end is
 * where every approval step goes on a rejection: when no edge reaches it, it is set at the bottom
 * beside the last step (the approved end), not laid out as a second start.
 */
export function layoutFlow(nodes: Sized[], edges: Joined[]): Map<string, { x: number; y: number }> {
  // Node labels carry the size in and the centre (x, y) out.
  const g = new Graph<object, { width: number; height: number; x: number; y: number }, object>({
    multigraph: true,
  });
  // Aligned to one side and the main way weighted: the way a record takes when no condition
  // holds runs straight down, and branches step aside from it.
  g.setGraph({ rankdir: 'TB', align: 'UL', ranksep: rankGap, nodesep: sideGap, edgesep: 24, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const reached = new Set(edges.map((e) => e.target));
  const aside = nodes.filter((n) => n.data.def.kind === 'rejected' && !reached.has(n.id));
  const laid = nodes.filter((n) => !aside.includes(n));
  const size = new Map<string, { w: number; h: number }>();
  for (const n of nodes) size.set(n.id, { w: n.measured?.width ?? cardW, h: n.measured?.height ?? cardH });
  for (const n of laid) g.setNode(n.id, { width: size.get(n.id)!.w, height: size.get(n.id)!.h, x: 0, y: 0 });
  const known = new Set(laid.map((n) => n.id));
  edges.forEach((e, i) => {
    const main = e.data?.def.default || !e.data?.def.condition?.trim();
    if (known.has(e.source) && known.has(e.target)) g.setEdge(e.source, e.target, { weight: main ? 4 : 1 }, `e${i}`);
  });
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of laid) {
    const p = g.node(n.id);
    const s = size.get(n.id)!;
    out.set(n.id, { x: snap(p.x - s.w / 2), y: snap(p.y - s.h / 2) });
  }
  // The bottom row, right of what is already there.
  let bottom = 0;
  for (const p of out.values()) bottom = Math.max(bottom, p.y);
  let right = -sideGap;
  for (const n of laid) if (out.get(n.id)!.y === bottom) right = Math.max(right, out.get(n.id)!.x + size.get(n.id)!.w);
  for (const n of aside) {
    out.set(n.id, { x: snap(right + sideGap), y: bottom });
    right = snap(right + sideGap) + size.get(n.id)!.w;
  }
  return out;
}
