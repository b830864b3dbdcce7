import { describe, expect, it } from 'vitest';
import { duration } from './widgetData';

describe('duration', () => {
  it('speaks the largest unit that keeps the number at least 1', () => {
    expect(duration(90, 'en')).toBe('1.5 min');
    expect(duration(3 * 3600, 'en')).toBe('3 hr');
    expect(duration(2.25 * 86_400, 'en')).toBe('2.3 days');
    expect(duration(2 * 86_400, 'zh-CN')).toBe('2天');
  });
});
