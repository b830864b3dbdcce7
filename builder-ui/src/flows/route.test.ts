import { describe, expect, it } from 'vitest';
import { pathThrough, routeAround, type Box, type Point } from './route';

/** Whether any segment of the corners passes through the box. */
function hits(points: Point[], b: Box): boolean {
  for (let i = 1; i < points.length; i++) {
    const [p, q] = [points[i - 1]!, points[i]!];
    const steps = 50;
    for (let k = 1; k < steps; k++) {
      const x = p.x + ((q.x - p.x) * k) / steps;
      const y = p.y + ((q.y - p.y) * k) / steps;
      if (x > b.x && x < b.x + b.w && y > b.y && y < b.y + b.h) return true;
    }
  }
  return false;
}

describe('routeAround', () => {
  const s = { x: 90, y: 64 };
  const t = { x: 90, y: 360 };

  it('leaves a clear step alone', () => {
    expect(routeAround(s, t, [{ x: 400, y: 120, w: 180, h: 64 }])).toBeUndefined();
    expect(routeAround(s, { x: 300, y: 360 }, [])).toBeUndefined();
  });

  it('takes a lane beside a card that sits on the straight way, and touches no card', () => {
    const inTheWay = { x: 0, y: 180, w: 180, h: 64 };
    const beside = { x: 228, y: 180, w: 180, h: 64 };
    const route = routeAround(s, t, [inTheWay, beside])!;
    expect(route).toBeDefined();
    expect(hits(route, inTheWay)).toBe(false);
    expect(hits(route, beside)).toBe(false);
    expect(route[0]).toEqual(s);
    expect(route.at(-1)).toEqual(t);
    // The nearer side: left of the card in the way, not past the card beside it.
    expect(route[2]!.x).toBe(-24);
  });

  it('does not look for a lane for an edge going up', () => {
    expect(routeAround({ x: 90, y: 400 }, { x: 90, y: 100 }, [{ x: 0, y: 200, w: 180, h: 64 }])).toBeUndefined();
  });
});

describe('pathThrough', () => {
  it('rounds the turns, drops corners that do not turn, and labels the longest run', () => {
    const { d, label } = pathThrough([
      { x: 0, y: 0 },
      { x: 0, y: 20 },
      { x: 0, y: 20 },
      { x: -40, y: 20 },
      { x: -40, y: 220 },
      { x: 0, y: 220 },
      { x: 0, y: 240 },
    ]);
    expect(d.startsWith('M 0 0 L 0 10 Q 0 20 -10 20')).toBe(true);
    expect(d.endsWith('L 0 240')).toBe(true);
    expect(label).toEqual({ x: -40, y: 120 });
  });
});
