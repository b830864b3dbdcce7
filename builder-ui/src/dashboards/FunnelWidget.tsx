import { Table } from 'antd';
import { useMemo } from 'react';
import type { AggGroup } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { EChart } from './EChart';
import { chartColors } from './echarts';
import {
  duration,
  fieldName,
  formatMeasure,
  keyFields,
  keyText,
  measureName,
  measuresOf,
  percent,
  toNumber,
} from './widgetData';

/**
 * Stages in order as a funnel, with each stage's count, amounts and conversion to the next, and
 * from the stage history the share that left the funnel there and the average time in it.
 */
export function FunnelWidget({ groups, object, title }: { groups: AggGroup[]; object?: ObjectDef; title: string }) {
  const { t, locale } = useI18n();
  const field = keyFields(groups)[0] ?? '';
  const measures = measuresOf(groups);
  const option = useMemo(
    () => ({
      color: chartColors,
      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '8%',
          width: '84%',
          top: 8,
          bottom: 8,
          // Widths in proportion to the largest stage.
          min: 0,
          max: Math.max(1, ...groups.map((g) => toNumber(g.count))),
          minSize: '12%',
          gap: 2,
          label: { show: true, position: 'inside', formatter: '{b}  {c}', color: '#fff', fontSize: 12 },
          data: groups.map((g) => ({ name: keyText(g, field, t), value: toNumber(g.count) })),
        },
      ],
    }),
    [groups, field, t],
  );

  const rows = groups.map((g, i) => ({ i, g }));
  return (
    <>
      <EChart option={option} height={260} label={title} />
      <Table
        size="small"
        rowKey="i"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          { key: 'stage', title: t('dash.stage'), render: (_, r) => keyText(r.g, field, t) },
          ...measures.map((m) => ({
            key: m,
            // Per stage, a sum is simply the field's total: its name alone keeps the table narrow.
            title: m.startsWith('sum_') ? fieldName(m.slice(4), object, locale) : measureName(m, object, locale, t),
            align: 'right' as const,
            render: (_: unknown, r: { g: AggGroup }) => formatMeasure(m, r.g[m], object, locale),
          })),
          {
            key: 'conversion',
            title: t('dash.conversion'),
            align: 'right' as const,
            render: (_, r) => (typeof r.g.conversion === 'number' ? percent(r.g.conversion, locale) : '—'),
          },
          {
            key: 'drop_off',
            title: t('dash.dropOff'),
            align: 'right' as const,
            render: (_, r) => (typeof r.g.drop_off === 'number' ? percent(r.g.drop_off, locale) : '—'),
          },
          {
            key: 'avg_seconds',
            title: t('dash.avgTime'),
            align: 'right' as const,
            render: (_, r) => (typeof r.g.avg_seconds === 'number' ? duration(r.g.avg_seconds, locale) : '—'),
          },
        ]}
      />
    </>
  );
}
