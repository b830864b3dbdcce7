// A report result turned into what the page draws: table rows (one per row group, matrix cells
// as columns) and an ECharts option; every cell and bar keeps its group's drill-down filter.
import type { ChartType, ReportResult, ResultGroup } from '../api/reports';
import { chartColors } from '../dashboards/echarts';
import { textOf } from '../fields/text';

export const toNumber = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);

/** One table row: the row keys' labels, and per matrix column (or "" without one) the group. */
export interface TableRow {
  key: string;
  labels: string[];
  cells: Record<string, ResultGroup>;
}

/** The matrix columns in the order the server sent them ("" alone without a column field). */
export function columnLabels(r: ReportResult): string[] {
  if (!r.column) return [''];
  return [...new Set(r.groups.map((g) => g.column_label ?? textOf(g.column_key ?? '')))];
}

export function tableRows(r: ReportResult): TableRow[] {
  const rows = new Map<string, TableRow>();
  for (const g of r.groups) {
    const key = JSON.stringify(g.keys);
    const row = rows.get(key) ?? { key, labels: g.labels, cells: {} };
    row.cells[r.column ? (g.column_label ?? textOf(g.column_key ?? '')) : ''] = g;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export interface ChartDatum {
  value: number;
  name?: string;
  /** The group's drill-down filter. */
  filter?: string;
}

/**
 * The chart of measure m: categories are the first row field (or the column without rows),
 * series the second row field or the matrix column. bar = horizontal bars, column = vertical.
 */
export function chartOption(r: ReportResult, chart: ChartType, m: number, valueText: (v: number) => string) {
  const matrix = !!r.column;
  const second = (g: ResultGroup) =>
    matrix ? (g.column_label ?? textOf(g.column_key ?? '')) : r.rows.length > 1 ? (g.labels[1] ?? '') : '';
  const first = (g: ResultGroup) => (r.rows.length ? (g.labels[0] ?? '') : matrix ? (g.column_label ?? '') : '');
  const cats = [...new Set(r.groups.map(first))];
  if (chart === 'pie' || chart === 'funnel') {
    const data: ChartDatum[] = cats.map((c) => {
      const gs = r.groups.filter((g) => first(g) === c);
      return {
        name: c,
        value: gs.reduce((s, g) => s + toNumber(g.values[m]), 0),
        // Only a single group has a filter of its own; a slice over several drills by the first key.
        filter: gs.length === 1 ? gs[0]!.filter : undefined,
      };
    });
    return {
      color: chartColors,
      tooltip: { trigger: 'item', valueFormatter: valueText },
      legend: chart === 'pie' ? { bottom: 0, type: 'scroll' } : undefined,
      series: [
        chart === 'pie'
          ? { type: 'pie', radius: ['36%', '60%'], center: ['50%', '45%'], label: { formatter: '{b}: {d}%' }, data }
          : {
              type: 'funnel',
              sort: 'descending',
              left: '8%',
              width: '84%',
              label: { position: 'inside', formatter: '{b}  {c}', color: '#fff' },
              data,
            },
      ],
    };
  }
  const stacks = [...new Set(r.groups.map(second))];
  const series = stacks.map((s) => ({
    type: chart === 'line' ? 'line' : 'bar',
    name: s,
    stack: stacks.length > 1 && chart !== 'line' ? 'all' : undefined,
    barMaxWidth: 36,
    data: cats.map((c): ChartDatum => {
      const g = r.groups.find((x) => first(x) === c && second(x) === s);
      return { value: g ? toNumber(g.values[m]) : 0, filter: g?.filter };
    }),
  }));
  const category = { type: 'category', data: cats, axisLabel: { width: 110, overflow: 'truncate' } };
  const value = { type: 'value', minInterval: r.measures[m]?.op === 'count' ? 1 : undefined };
  const horizontal = chart === 'bar';
  return {
    color: chartColors,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: valueText },
    legend: stacks.length > 1 ? { bottom: 0, type: 'scroll' } : undefined,
    grid: { left: 8, right: 16, top: 16, bottom: stacks.length > 1 ? 36 : 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series,
  };
}
