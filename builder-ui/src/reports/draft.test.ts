import { describe, expect, it } from 'vitest';
import type { ObjectDef } from '../api/objects';
import type { ReportResult } from '../api/reports';
import {
  asFormFields,
  baseFilterOf,
  drop,
  dropProblem,
  emptyDraft,
  fromDefinition,
  nameFrom,
  opsFor,
  removeFrom,
  reportFields,
  setOp,
  toDefinition,
} from './draft';
import { chartOption, columnLabels, tableRows } from './resultModel';

const account: ObjectDef = {
  name: 'account',
  version: 1,
  fields: [
    { name: 'name', type: 'text', label: { en: 'Name' } },
    {
      name: 'industry',
      type: 'picklist',
      label: { en: 'Industry', 'zh-CN': '行业' },
      options: [{ value: 'retail', label: { en: 'Retail', 'zh-CN': '零售' } }],
    },
    { name: 'open_pipeline', type: 'rollup', result_type: 'currency', label: { en: 'Open pipeline' } },
  ],
};
const opportunity: ObjectDef = {
  name: 'opportunity',
  version: 1,
  fields: [
    { name: 'name', type: 'text', label: { en: 'Name' } },
    { name: 'account', type: 'lookup', target: 'account', label: { en: 'Account' } },
    { name: 'amount', type: 'currency', label: { en: 'Amount' } },
    { name: 'stage', type: 'picklist', label: { en: 'Stage' }, options: [{ value: 'won', label: { en: 'Won' } }] },
    { name: 'close_date', type: 'date', label: { en: 'Close date' } },
    { name: 'notes', type: 'textarea', label: { en: 'Notes' } },
  ],
};
const fields = reportFields(opportunity, [account, opportunity], 'en');
const f = (path: string) => fields.find((x) => x.path === path)!;

describe('reportFields', () => {
  it('lists own fields, then parent fields through lookups with their result types', () => {
    expect(fields.map((x) => x.path)).toEqual([
      'name',
      'account',
      'amount',
      'stage',
      'close_date',
      'notes',
      'account.name',
      'account.industry',
      'account.open_pipeline',
    ]);
    expect(f('account.industry').via).toBe('Account');
    expect(f('account.open_pipeline').type).toBe('currency');
    expect(reportFields(opportunity, [account], 'zh-CN').find((x) => x.path === 'account.industry')!.label).toBe(
      '行业',
    );
  });
});

describe('drop rules', () => {
  it('allows at most two rows and one column, never the same field twice', () => {
    let d = drop(emptyDraft('opportunity'), 'rows', f('account.industry'));
    d = drop(d, 'rows', f('stage'));
    expect(d.rows).toEqual([{ field: 'account.industry' }, { field: 'stage' }]);
    expect(dropProblem(d, 'rows', f('name'))).toBe('full');
    expect(drop(d, 'rows', f('name'))).toBe(d);
    expect(dropProblem(d, 'column', f('stage'))).toBe('twice');
    d = drop(d, 'column', f('close_date'));
    expect(d.column).toEqual({ field: 'close_date', bucket: 'month' });
    expect(dropProblem(removeFrom(d, 'rows', 0), 'rows', f('close_date'))).toBe('twice');
  });
  it('refuses long texts as groups', () => {
    expect(dropProblem(emptyDraft('opportunity'), 'rows', f('notes'))).toBe('notGroupable');
  });
  it('sums numbers, counts the rest, and allows at most four values', () => {
    let d = drop(emptyDraft('opportunity'), 'values', f('amount'));
    expect(d.measures).toEqual([{ op: 'count' }, { op: 'sum', field: 'amount' }]);
    d = drop(d, 'values', f('stage'));
    expect(d.measures[2]).toEqual({ op: 'count' });
    d = drop(d, 'values', f('account.open_pipeline'));
    expect(dropProblem(d, 'values', f('amount'))).toBe('full');
    expect(setOp(d, 1, 'avg').measures[1]).toEqual({ op: 'avg', field: 'amount' });
    expect(opsFor(f('stage'))).toEqual(['count']);
    expect(opsFor(f('amount'))).toContain('max');
  });
  it('makes a definition with the filter and at least a count', () => {
    const d = removeFrom(drop(emptyDraft('opportunity'), 'rows', f('stage')), 'values', 0);
    expect(toDefinition(d, 'amount > 5', { name: 'x' })).toEqual({
      name: 'x',
      object: 'opportunity',
      rows: [{ field: 'stage' }],
      measures: [{ op: 'count' }],
      filter: 'amount > 5',
      chart: 'bar',
    });
  });
  it('names a report from its label', () => {
    expect(nameFrom('Pipeline by industry & stage')).toBe('pipeline_by_industry_stage');
    expect(nameFrom('2026 deals')).toBe('deals');
  });
});

describe('filters', () => {
  it('adds a dropped field to the last group, and removes a condition counted across groups', () => {
    let d = drop(emptyDraft('opportunity'), 'filters', f('stage'));
    d = drop(d, 'filters', f('account.industry'));
    expect(d.conditions).toEqual([
      [
        { field: 'stage', op: '=' },
        { field: 'account.industry', op: '=' },
      ],
    ]);
    d = { ...d, conditions: [...d.conditions, [{ field: 'amount', op: '>', value: 5 }]] };
    expect(removeFrom(d, 'filters', 2).conditions).toHaveLength(1);
    expect(removeFrom(d, 'filters', 0).conditions).toEqual([
      [{ field: 'account.industry', op: '=' }],
      [{ field: 'amount', op: '>', value: 5 }],
    ]);
  });
  it('opens a saved filter as groups when it can, else keeps it as written', () => {
    const saved = { name: 'r', object: 'opportunity', rows: [], measures: [{ op: 'count' as const }] };
    const parsed = { ...saved, filter: 'account.industry = "retail" or amount > 5' };
    expect(fromDefinition(parsed).conditions).toEqual([
      [{ field: 'account.industry', op: '=', value: 'retail' }],
      [{ field: 'amount', op: '>', value: 5 }],
    ]);
    expect(baseFilterOf(parsed)).toBeUndefined();
    const odd = { ...saved, filter: 'not (amount > 5)' };
    expect(fromDefinition(odd).conditions).toEqual([]);
    expect(baseFilterOf(odd)).toBe('not (amount > 5)');
  });
  it('labels a parent field through its lookup for the filter builder', () => {
    expect(asFormFields([f('account.industry')])).toEqual([
      {
        name: 'account.industry',
        type: 'picklist',
        label: 'Account › Industry',
        options: [{ value: 'retail', label: 'Retail' }],
      },
    ]);
  });
});

const result: ReportResult = {
  object: 'opportunity',
  rows: [{ field: 'account.industry' }, { field: 'stage' }],
  measures: [{ op: 'count' }, { op: 'sum', field: 'amount' }],
  groups: [
    { keys: ['retail', 'won'], labels: ['Retail', 'Won'], values: [2, '30.50'], filter: 'f1' },
    { keys: ['retail', 'lost'], labels: ['Retail', 'Lost'], values: [1, '5'], filter: 'f2' },
    { keys: ['finance', 'won'], labels: ['Finance', 'Won'], values: [4, '100'], filter: 'f3' },
  ],
};

describe('result model', () => {
  it('stacks the second row field as series, each bar keeping its group filter', () => {
    const o = chartOption(result, 'bar', 1, String) as unknown as {
      yAxis: { data: string[] };
      series: { name: string; data: { value: number; filter?: string }[] }[];
    };
    expect(o.yAxis.data).toEqual(['Retail', 'Finance']);
    expect(o.series.map((s) => s.name)).toEqual(['Won', 'Lost']);
    expect(o.series[0]!.data).toEqual([
      { value: 30.5, filter: 'f1' },
      { value: 100, filter: 'f3' },
    ]);
    expect(o.series[1]!.data[1]).toEqual({ value: 0, filter: undefined });
  });
  it('makes one table row per row group and matrix cells per column', () => {
    expect(tableRows(result)).toHaveLength(3);
    const matrix: ReportResult = {
      ...result,
      rows: [{ field: 'stage' }],
      column: { field: 'close_date', bucket: 'month' },
      groups: [
        { keys: ['won'], labels: ['Won'], column_key: '2026-01', column_label: '2026-01', values: [1], filter: 'a' },
        { keys: ['won'], labels: ['Won'], column_key: '2026-02', column_label: '2026-02', values: [2], filter: 'b' },
      ],
    };
    expect(columnLabels(matrix)).toEqual(['2026-01', '2026-02']);
    const rows = tableRows(matrix);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cells['2026-02']!.filter).toBe('b');
  });
});
