import { describe, expect, it } from 'vitest';
import type { WidgetDef } from '../api/dashboards';
import { createdBetween } from './ReportWidget';
import { clamp, layoutsOf, nudge, readingOrder, widgetName } from './layout';

const w = (name: string, type: WidgetDef['type'], layout?: WidgetDef['layout']): WidgetDef => ({ name, type, layout });

describe('dashboard layout', () => {
  it('keeps saved places and fills the others in after them, row by row', () => {
    const ls = layoutsOf([
      w('a', 'bar', { x: 0, y: 0, w: 12, h: 3 }),
      w('b', 'report'),
      w('c', 'bar'),
      w('d', 'number'),
    ]);
    expect(ls).toEqual([
      { x: 0, y: 0, w: 12, h: 3 },
      { x: 0, y: 3, w: 6, h: 5 },
      { x: 6, y: 3, w: 6, h: 4 },
      { x: 0, y: 8, w: 3, h: 2 },
    ]);
  });
  it('keeps widgets inside the 12 columns', () => {
    expect(clamp({ x: 10, y: -1, w: 20, h: 1 })).toEqual({ x: 0, y: 0, w: 12, h: 2 });
    expect(nudge({ x: 6, y: 0, w: 6, h: 4 }, 'wider')).toEqual({ x: 5, y: 0, w: 7, h: 4 });
    expect(nudge({ x: 0, y: 0, w: 2, h: 4 }, 'narrower')).toEqual({ x: 0, y: 0, w: 2, h: 4 });
    expect(nudge({ x: 0, y: 0, w: 2, h: 4 }, 'up').y).toBe(0);
  });
  it('stacks in reading order and names new widgets uniquely', () => {
    const items = [
      { n: 'b', layout: { x: 6, y: 0, w: 6, h: 4 } },
      { n: 'c', layout: { x: 0, y: 4, w: 6, h: 4 } },
      { n: 'a', layout: { x: 0, y: 0, w: 6, h: 4 } },
    ];
    expect(readingOrder(items).map((i) => i.n)).toEqual(['a', 'b', 'c']);
    expect(widgetName('pipe', [w('pipe', 'bar'), w('pipe_2', 'bar')])).toBe('pipe_3');
  });
  it('turns the date range into a created_at filter, the last day included', () => {
    expect(createdBetween({ from: '2026-01-01', to: '2026-01-31' })).toBe(
      'created_at >= "2026-01-01" and created_at < "2026-02-01"',
    );
    expect(createdBetween({})).toBeUndefined();
  });
});
