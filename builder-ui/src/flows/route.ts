// Edges are drawn as steps: down from the source, across, down into the target. When that would
// cut through another card (an edge that skips a step, or a card moved by hand), the edge goes
// down a free lane beside the cards in its way instead.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Point {
  x: number;
  y: number;
}

/** How far below the source and above the target an edge turns. */
const turn = 20;
/** How far a lane keeps from the cards beside it. */
const clearance = 24;
const radius = 10;

const crossesV = (x: number, y1: number, y2: number, b: Box) =>
  x > b.x && x < b.x + b.w && Math.max(y1, y2) > b.y && Math.min(y1, y2) < b.y + b.h;
const crossesH = (y: number, x1: number, x2: number, b: Box) =>
  y > b.y && y < b.y + b.h && Math.max(x1, x2) > b.x && Math.min(x1, x2) < b.x + b.w;

/** Whether the polyline (vertical and horizontal segments only) passes through a box. */
function blocked(points: Point[], boxes: Box[]): boolean {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    for (const box of boxes) {
      if (a.x === b.x ? crossesV(a.x, a.y, b.y, box) : crossesH(a.y, a.x, b.x, box)) return true;
    }
  }
  return false;
}

/**
 * The corners of an edge from a source handle (bottom of its card) to a target handle (top of its
 * card) that passes through none of the other cards, or undefined when the plain step is clear
 * (or the edge goes upwards, where no lane is looked for).
 */
export function routeAround(s: Point, t: Point, others: Box[]): Point[] | undefined {
  if (t.y - s.y < 2 * turn) return undefined;
  const mid = (s.y + t.y) / 2;
  const plain = [s, { x: s.x, y: mid }, { x: t.x, y: mid }, t];
  if (!blocked(plain, others)) return undefined;
  const y1 = s.y + turn;
  const y2 = t.y - turn;
  const inTheWay = others.filter((b) => b.y < y2 && b.y + b.h > y1);
  const lanes = [s.x, t.x, ...inTheWay.flatMap((b) => [b.x - clearance, b.x + b.w + clearance])];
  let best: Point[] | undefined;
  let cost = Infinity;
  for (const x of lanes) {
    const path = [s, { x: s.x, y: y1 }, { x, y: y1 }, { x, y: y2 }, { x: t.x, y: y2 }, t];
    const c = Math.abs(x - s.x) + Math.abs(x - t.x);
    if (c < cost && !blocked(path, others)) {
      best = path;
      cost = c;
    }
  }
  return best;
}

/** An SVG path through the corners with rounded turns, and where its label goes. */
export function pathThrough(points: Point[]): { d: string; label: Point } {
  // Drop repeated corners and corners that do not turn (a lane straight under the source).
  const pts: Point[] = [];
  for (const p of points) {
    const last = pts.at(-1);
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = pts.at(-2);
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y)))
      pts.pop();
    pts.push(p);
  }
  let d = `M ${pts[0]!.x} ${pts[0]!.y}`;
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i]!;
    const next = pts[i + 1];
    if (!next) {
      d += ` L ${p.x} ${p.y}`;
      break;
    }
    const prev = pts[i - 1]!;
    const r = Math.min(radius, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const from = { x: p.x - Math.sign(p.x - prev.x) * r, y: p.y - Math.sign(p.y - prev.y) * r };
    const to = { x: p.x + Math.sign(next.x - p.x) * r, y: p.y + Math.sign(next.y - p.y) * r };
    d += ` L ${from.x} ${from.y} Q ${p.x} ${p.y} ${to.x} ${to.y}`;
  }
  // The label sits on the longest downward run (a lane beside the cards, when there is one).
  let label = { x: (pts[0]!.x + pts.at(-1)!.x) / 2, y: (pts[0]!.y + pts.at(-1)!.y) / 2 };
  let longest = -1;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (a.x !== b.x) continue;
    const len = Math.abs(b.y - a.y);
    if (len > longest) {
      longest = len;
      label = { x: a.x, y: (a.y + b.y) / 2 };
    }
  }
  return { d, label };
}
