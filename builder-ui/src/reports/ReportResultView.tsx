import { Link } from 'react-router';
import { Alert, Empty, Flex, Segmented, Table, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import type { ChartType, ReportResult, ResultGroup } from '../api/reports';
import { EChart } from '../dashboards/EChart';
import { textOf } from '../fields/text';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import type { MessageKey } from '../i18n/messages';
import { chartOption, columnLabels, tableRows, type ChartDatum, type TableRow } from './resultModel';

/** Opens the records of a group: the record list with the group's filter (see drillPath). */
export type Drill = (filter: string, label: string) => void;

/** The record list of object narrowed to a report group. */
export const drillPath = (object: string, filter: string) =>
  `/app/${encodeURIComponent(object)}?filter=${encodeURIComponent(filter)}`;

/** A report's result: its chart (bars and slices drill down) and its table (rows and cells drill down). */
export function ReportResultView({
  result,
  chart,
  title,
  onDrill,
  table = true,
  height,
}: {
  result: ReportResult;
  chart: ChartType;
  title: string;
  onDrill: Drill;
  table?: boolean;
  height?: number;
}) {
  const { t, locale } = useI18n();
  const [m, setM] = useState(0);
  const measure = Math.min(m, Math.max(0, result.measures.length - 1));
  const number = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }), [locale]);
  const fmt = (v: unknown) =>
    v === null || v === undefined ? '—' : Number.isFinite(Number(v)) ? number.format(Number(v)) : textOf(v);
  const measureName = (i: number) => {
    const ms = result.measures[i];
    if (!ms) return '';
    return pickLabel(ms.label, locale, t(`reports.op.${ms.op}` as MessageKey));
  };
  const groupName = (g: ResultGroup) =>
    [...g.labels.map((l) => l || t('reports.none')), ...(g.column_label ? [g.column_label] : [])].join(' · ');

  const option = useMemo(
    () => (chart === 'none' ? null : chartOption(result, chart, measure, (v) => number.format(v))),
    [result, chart, measure, number],
  );

  if (result.error) return <Alert type="warning" showIcon message={result.error.message} />;
  if (result.groups.length === 0 && result.rows.length + (result.column ? 1 : 0) > 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reports.noGroups')} />;
  }

  const cols = columnLabels(result);
  const rows = tableRows(result);
  const cellButton = (g: ResultGroup | undefined, i: number) =>
    g ? (
      // A real link: the keyboard reaches it, and it opens in a new tab like any other.
      <Link
        to={drillPath(result.object, g.filter)}
        onClick={(e) => e.stopPropagation()}
        aria-label={t('reports.drill', { group: groupName(g) })}
      >
        {fmt(g.values[i])}
      </Link>
    ) : (
      '—'
    );
  const columns: TableColumnsType<TableRow> = [
    ...result.rows.map((f, i) => ({
      key: `row-${i}`,
      title: pickLabel(f.label, locale, f.field),
      render: (_: unknown, r: TableRow) => r.labels[i] || t('reports.none'),
    })),
    ...(result.column
      ? cols.map((c) => ({
          key: `col-${c}`,
          title: c || t('reports.none'),
          children: result.measures.map((_, i) => ({
            key: `col-${c}-${i}`,
            title: measureName(i),
            align: 'right' as const,
            render: (_: unknown, r: TableRow) => cellButton(r.cells[c], i),
          })),
        }))
      : result.measures.map((_, i) => ({
          key: `m-${i}`,
          title: measureName(i),
          align: 'right' as const,
          render: (_: unknown, r: TableRow) => cellButton(r.cells[''], i),
        }))),
  ];

  return (
    <Flex vertical gap={12} data-testid="report-result">
      {result.truncated && <Alert type="info" showIcon message={t('reports.truncated')} />}
      {option && result.groups.length > 0 && (
        <>
          {result.measures.length > 1 && (
            <Segmented
              size="small"
              value={measure}
              onChange={(v) => setM(Number(v))}
              options={result.measures.map((_, i) => ({ value: i, label: measureName(i) }))}
              style={{ alignSelf: 'flex-start' }}
            />
          )}
          <div data-testid="report-chart">
            <EChart
              option={option}
              height={height}
              label={title}
              summary={result.groups.map((g) => `${groupName(g)}: ${fmt(g.values[measure])}`).join('; ')}
              onClick={(d) => {
                const datum = d as ChartDatum | undefined;
                if (datum?.filter) onDrill(datum.filter, datum.name ?? '');
              }}
            />
          </div>
        </>
      )}
      {table && (
        <Table<TableRow>
          size="small"
          rowKey="key"
          bordered={!!result.column}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={rows}
          columns={columns}
          data-testid="report-table"
          onRow={(r) => {
            const g = result.column ? undefined : r.cells[''];
            return g
              ? {
                  onClick: () => onDrill(g.filter, groupName(g)),
                  style: { cursor: 'pointer' },
                  'data-group': groupName(g),
                }
              : {};
          }}
          summary={() =>
            result.totals && !result.column && result.rows.length > 0 ? (
              <Table.Summary.Row>
                {result.rows.map((_, i) => (
                  <Table.Summary.Cell key={i} index={i}>
                    {i === 0 ? <strong>{t('reports.total')}</strong> : null}
                  </Table.Summary.Cell>
                ))}
                {result.totals.map((v, i) => (
                  <Table.Summary.Cell key={`t${i}`} index={result.rows.length + i} align="right">
                    <strong>{fmt(v)}</strong>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            ) : null
          }
        />
      )}
    </Flex>
  );
}
