import { describe, expect, it } from 'vitest';
import { combineFilters, groupsToFilter, operatorsFor, parseFilter, toFilter, type Groups } from './filterLanguage';

describe('operatorsFor', () => {
  it('offers comparisons for numbers and dates, not contains', () => {
    for (const type of ['number', 'integer', 'percent', 'currency', 'date', 'datetime']) {
      expect(operatorsFor(type), type).toEqual(['=', '!=', '>', '>=', '<', '<=', 'is null', 'is not null']);
    }
  });

  it('offers a boolean only equality, never null tests', () => {
    expect(operatorsFor('boolean')).toEqual(['=', '!=']);
  });

  it('offers "in" for a picklist and only "contains" for a multi-picklist', () => {
    expect(operatorsFor('picklist')).toContain('in');
    expect(operatorsFor('multipicklist')[0]).toBe('contains');
    expect(operatorsFor('multipicklist')).not.toContain('=');
  });

  it('starts text with contains, the operator a new row picks', () => {
    expect(operatorsFor('text')[0]).toBe('contains');
    expect(operatorsFor('email')[0]).toBe('contains');
    expect(operatorsFor('lookup')).not.toContain('contains');
  });
});

describe('toFilter', () => {
  it('joins conditions by and, writing literals by their type', () => {
    expect(
      toFilter([
        { field: 'amount', op: '>=', value: 100 },
        { field: 'active', op: '=', value: true },
        { field: 'company', op: 'contains', value: 'Acme' },
      ]),
    ).toBe('amount >= 100 and active = true and company contains "Acme"');
  });

  it('quotes text so that a quote in it cannot end the literal', () => {
    expect(toFilter([{ field: 'name', op: '=', value: 'say "hi" \\ bye' }])).toBe('name = "say \\"hi\\" \\\\ bye"');
  });

  it('writes "in" as a bracketed list', () => {
    expect(toFilter([{ field: 'stage', op: 'in', value: ['new', 'won'] }])).toBe('stage in ("new", "won")');
  });

  it('needs no value for the null tests', () => {
    expect(
      toFilter([
        { field: 'email', op: 'is null' },
        { field: 'owner', op: 'is not null', value: 'x' },
      ]),
    ).toBe('email is null and owner is not null');
  });

  it('leaves out conditions still without a value', () => {
    expect(
      toFilter([
        { field: 'a', op: '=' },
        { field: 'b', op: '=', value: '' },
        { field: 'c', op: 'in', value: [] },
        { field: 'd', op: '=', value: 0 },
        { field: 'e', op: '=', value: false },
      ]),
    ).toBe('d = 0 and e = false');
  });
});

describe('combineFilters', () => {
  it('is empty without a view filter or conditions', () => {
    expect(combineFilters(undefined, [])).toBe('');
    expect(combineFilters('', [{ field: 'a', op: '=' }])).toBe('');
  });

  it('keeps either part alone as written', () => {
    expect(combineFilters('stage = "new" or stage = "won"', [])).toBe('stage = "new" or stage = "won"');
    expect(combineFilters(undefined, [{ field: 'amount', op: '>', value: 5 }])).toBe('amount > 5');
  });

  it('brackets both parts so that an "or" in the view cannot swallow the conditions', () => {
    expect(combineFilters('stage = "new" or stage = "won"', [{ field: 'amount', op: '>', value: 5 }])).toBe(
      '(stage = "new" or stage = "won") and (amount > 5)',
    );
  });
});

describe('groups and the filter language', () => {
  const cases: [string, Groups][] = [
    ['', []],
    ['stage = "won"', [[{ field: 'stage', op: '=', value: 'won' }]]],
    [
      'stage = "won" and amount > 100',
      [
        [
          { field: 'stage', op: '=', value: 'won' },
          { field: 'amount', op: '>', value: 100 },
        ],
      ],
    ],
    [
      '(stage = "won" and amount >= 100.5) or owner is null or status in ("new", "contacted")',
      [
        [
          { field: 'stage', op: '=', value: 'won' },
          { field: 'amount', op: '>=', value: 100.5 },
        ],
        [{ field: 'owner', op: 'is null' }],
        [{ field: 'status', op: 'in', value: ['new', 'contacted'] }],
      ],
    ],
    [
      'company contains "say \\"hi\\" \\\\ bye" or vip = true or account.industry is not null',
      [
        [{ field: 'company', op: 'contains', value: 'say "hi" \\ bye' }],
        [{ field: 'vip', op: '=', value: true }],
        [{ field: 'account.industry', op: 'is not null' }],
      ],
    ],
  ];

  it('writes groups joined by or, each in brackets when it has more than one condition', () => {
    for (const [text, groups] of cases) expect(groupsToFilter(groups)).toBe(text);
  });

  it('reads what it writes back into the same groups', () => {
    for (const [text, groups] of cases) expect(parseFilter(text), text).toEqual(groups);
  });

  it('reads a filter written by hand: any brackets, keywords in capitals, no spaces', () => {
    expect(parseFilter('((a=1) AND (b!=2)) OR (c<3)')).toEqual([
      [
        { field: 'a', op: '=', value: 1 },
        { field: 'b', op: '!=', value: 2 },
      ],
      [{ field: 'c', op: '<', value: 3 }],
    ]);
  });

  it('leaves out empty groups and conditions without a value', () => {
    expect(
      groupsToFilter([
        [],
        [{ field: 'a', op: '=' }],
        [
          { field: 'b', op: '=', value: 'x' },
          { field: 'c', op: 'in', value: [] },
        ],
      ]),
    ).toBe('b = "x"');
  });

  it('refuses what groups cannot hold or the language refuses', () => {
    for (const text of [
      'not (a = 1)',
      'a = 1 and (b = 2 or c = 3)',
      'a = 1 or',
      'a ! 1',
      'a = "open',
      'a = "\\n"',
      'and = 1',
      'a is empty',
      'a in ()',
      '$where = 1',
    ])
      expect(parseFilter(text), text).toBeNull();
  });
});
