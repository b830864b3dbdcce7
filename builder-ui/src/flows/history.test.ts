import { describe, expect, it } from 'vitest';
import { History } from './history';

describe('History', () => {
  it('undoes and redoes in order, and a new state after an undo drops the redo', () => {
    const h = new History('a');
    expect(h.canUndo).toBe(false);
    h.record('b');
    h.record('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeUndefined();
    expect(h.redo()).toBe('b');
    expect(h.canRedo).toBe(true);
    h.record('d');
    expect(h.canRedo).toBe(false);
    expect(h.redo()).toBeUndefined();
    expect(h.undo()).toBe('b');
  });

  it('records nothing for the same state twice', () => {
    const h = new History('a');
    h.record('a');
    h.record('b');
    h.record('b');
    expect(h.undo()).toBe('a');
    expect(h.canUndo).toBe(false);
  });

  it('keeps at most its limit, forgetting the oldest', () => {
    const h = new History('0', 3);
    for (const s of ['1', '2', '3', '4']) h.record(s);
    expect(h.undo()).toBe('3');
    expect(h.undo()).toBe('2');
    expect(h.undo()).toBeUndefined();
  });
});
