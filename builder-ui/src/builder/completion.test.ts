import { describe, expect, it } from 'vitest';
import { applySuggestion, completionItems, inString, offsetOf, suggest, wordAt, type Suggestion } from './completion';

describe('wordAt', () => {
  it('finds the identifier that ends at the caret', () => {
    expect(wordAt('amount > pro', 12)).toEqual({ start: 9, word: 'pro' });
    expect(wordAt('amount > pro', 3)).toEqual({ start: 0, word: 'amo' });
  });

  it('takes dotted paths as one word', () => {
    expect(wordAt('len(account.na', 14)).toEqual({ start: 4, word: 'account.na' });
  });

  it('has no word after a space or an operator, nor one starting with a digit', () => {
    expect(wordAt('amount ', 7)).toEqual({ start: 7, word: '' });
    expect(wordAt('a + ', 4).word).toBe('');
    expect(wordAt('12', 2).word).toBe('');
  });
});

describe('inString', () => {
  it('tells whether the caret is inside a quoted string', () => {
    expect(inString('stage == "ne', 12)).toBe(true);
    expect(inString('stage == "new" && a', 19)).toBe(false);
  });

  it('does not end a string at an escaped quote', () => {
    const v = 'x == "a \\" b';
    expect(inString(v, v.length)).toBe(true);
  });
});

const all: Suggestion[] = [
  { text: 'amount', kind: 'field', detail: 'Amount · currency' },
  { text: 'close_date', kind: 'field', detail: 'Close date · date' },
  { text: 'days_between', kind: 'function', detail: 'days_between(a, b)' },
  { text: 'today', kind: 'function', detail: 'today()' },
  { text: 'and', kind: 'operator', detail: 'operator' },
];

describe('suggest', () => {
  it('offers nothing for no word', () => {
    expect(suggest(all, '')).toEqual([]);
  });

  it('puts names that start with the word before names that only contain it', () => {
    expect(suggest(all, 'da').map((s) => s.text)).toEqual(['days_between', 'close_date', 'today']);
  });

  it('matches regardless of case', () => {
    expect(suggest(all, 'AM').map((s) => s.text)).toEqual(['amount']);
  });

  it('does not offer the word already typed in full', () => {
    expect(suggest(all, 'today')).toEqual([]);
  });

  it('stops at max', () => {
    expect(suggest(all, 'a', 2)).toHaveLength(2);
  });
});

describe('completionItems', () => {
  it('lists fields, then functions, then the word operators', () => {
    const items = completionItems(
      [{ name: 'amount', label: 'Amount', type: 'currency' }],
      [{ name: 'today', signature: 'today() date' }],
      'operator',
    );
    expect(items[0]).toEqual({ text: 'amount', kind: 'field', detail: 'Amount · currency' });
    expect(items[1]).toEqual({ text: 'today', kind: 'function', detail: 'today() date' });
    expect(items.slice(2).every((s) => s.kind === 'operator' && s.detail === 'operator')).toBe(true);
    expect(items.map((s) => s.text)).toEqual(expect.arrayContaining(['and', 'or', 'not', 'in', 'matches']));
  });
});

describe('completionItems with variables', () => {
  const items = completionItems(
    [
      { name: 'amount', label: 'Amount', type: 'currency' },
      { name: 'account.name', label: 'Account › Name', type: 'text' },
    ],
    [{ name: 'today', signature: 'today() date' }],
    'operator',
    {
      library: [{ name: 'owner_user.roles', signature: 'owner_user.roles list' }],
      oldDetail: 'before this write',
      ownerCounts: ['open_deals'],
    },
  );

  it('offers the library variables, old.<field> of the own fields and owner_counts.<name>', () => {
    expect(items.filter((s) => s.kind === 'variable').map((s) => s.text)).toEqual([
      'owner_user.roles',
      'old.amount',
      'owner_counts.open_deals',
    ]);
    expect(items.find((s) => s.text === 'old.amount')?.detail).toBe('Amount · before this write');
  });

  it('completes a variable from its first letters and after its dot', () => {
    expect(suggest(items, 'owner_').map((s) => s.text)).toEqual(['owner_user.roles', 'owner_counts.open_deals']);
    expect(suggest(items, 'old.').map((s) => s.text)).toEqual(['old.amount']);
  });
});

describe('applySuggestion', () => {
  it('replaces the word and puts the caret after it', () => {
    expect(applySuggestion('amo > 5', 0, 3, all[0]!)).toEqual({ value: 'amount > 5', caret: 6 });
  });

  it('opens the bracket of a function', () => {
    expect(applySuggestion('x < tod', 4, 7, all[3]!)).toEqual({ value: 'x < today(', caret: 10 });
  });

  it('keeps what follows the caret', () => {
    expect(applySuggestion('a && clo || b', 5, 8, all[1]!)).toEqual({ value: 'a && close_date || b', caret: 15 });
  });
});

describe('offsetOf', () => {
  it('turns a 1-based line and column into an offset', () => {
    const v = 'ab\ncde\nf';
    expect(offsetOf(v, 1, 1)).toBe(0);
    expect(offsetOf(v, 2, 2)).toBe(4);
    expect(v[offsetOf(v, 3, 1)]).toBe('f');
  });

  it('clamps column 0 to the line start', () => {
    expect(offsetOf('ab\ncd', 2, 0)).toBe(3);
  });
});
