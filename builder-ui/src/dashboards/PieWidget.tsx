import { Grid } from 'antd';
import { useMemo } from 'react';
import type { AggGroup } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { EChart } from './EChart';
import { chartColors } from './echarts';
import { formatMeasure, keyFields, keyText, measuresOf, toNumber } from './widgetData';

/** Shares of the first measure by the one key, as a ring. */
export function PieWidget({ groups, object, title }: { groups: AggGroup[]; object?: ObjectDef; title: string }) {
  const { t, locale } = useI18n();
  // On a phone the names would not fit beside the ring: the legend names the slices.
  const narrow = !Grid.useBreakpoint().sm;
  const field = keyFields(groups)[0] ?? '';
  const measure = measuresOf(groups)[0] ?? 'count';
  const option = useMemo(
    () => ({
      color: chartColors,
      tooltip: {
        trigger: 'item',
        valueFormatter: (v: number) => formatMeasure(measure, v, object, locale),
      },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['36%', '60%'],
          center: ['50%', '45%'],
          itemStyle: { borderColor: '#fff', borderWidth: 2, borderRadius: 4 },
          label: narrow ? { position: 'inside', formatter: '{d}%', color: '#fff' } : { formatter: '{b}: {d}%' },
          data: groups.map((g) => ({ name: keyText(g, field, t), value: toNumber(g[measure]) })),
        },
      ],
    }),
    [groups, field, measure, object, locale, t, narrow],
  );
  const summary = groups
    .map((g) => `${keyText(g, field, t)}: ${formatMeasure(measure, g[measure], object, locale)}`)
    .join('; ');
  return <EChart option={option} label={title} summary={summary} />;
}
