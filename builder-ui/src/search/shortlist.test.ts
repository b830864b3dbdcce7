import { describe, expect, it } from 'vitest';
import { flatten, pushFront, step } from './shortlist';

const r = (id: string) => ({ object: 'lead', id, title: id });

describe('shortlist', () => {
  it('puts a visited record first, once, and keeps the newest few', () => {
    const list = [r('a'), r('b'), r('c')];
    expect(pushFront(list, r('b'), 8).map((x) => x.id)).toEqual(['b', 'a', 'c']);
    expect(pushFront(list, r('d'), 3).map((x) => x.id)).toEqual(['d', 'a', 'b']);
    expect(pushFront(list, { object: 'account', id: 'a', title: 'a' }, 8)).toHaveLength(4);
  });
  it('walks the rows of every group with wrap-around', () => {
    const rows = flatten([{ items: [1, 2] }, { items: [] }, { items: [3] }]);
    expect(rows).toEqual([1, 2, 3]);
    expect(step(-1, 3, 1)).toBe(0);
    expect(step(2, 3, 1)).toBe(0);
    expect(step(0, 3, -1)).toBe(2);
    expect(step(-1, 0, 1)).toBe(-1);
  });
});
