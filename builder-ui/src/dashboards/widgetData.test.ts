import { describe, expect, it } from 'vitest';
import type { AggGroup } from '../api/dashboards';
import { duration, inDeclaredOrder, measuresOf } from './widgetData';

describe('duration', () => {
  it('speaks the largest unit that keeps the number at least 1', () => {
    expect(duration(90, 'en')).toBe('1.5 min');
    expect(duration(3 * 3600, 'en')).toBe('3 hr');
    expect(duration(2.25 * 86_400, 'en')).toBe('2.3 days');
    expect(duration(2 * 86_400, 'zh-CN')).toBe('2天');
  });
});

describe('inDeclaredOrder', () => {
  it('puts the measures in the order the widget declares them, after the server wrote them by name', () => {
    const groups = [{ key: {}, sum_amount: 8000, sum_outstanding: 2500, sum_received: 5500 }] as unknown as AggGroup[];
    const ordered = inDeclaredOrder(groups, ['sum:amount', 'sum:received', 'sum:outstanding']);
    expect(measuresOf(ordered)).toEqual(['sum_amount', 'sum_received', 'sum_outstanding']);
    expect(measuresOf(inDeclaredOrder(groups, undefined))).toEqual(['sum_amount', 'sum_outstanding', 'sum_received']);
  });
});
