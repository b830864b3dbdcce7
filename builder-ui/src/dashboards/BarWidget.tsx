import { Segmented } from 'antd';
import { useMemo, useState } from 'react';
import type { AggGroup } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { EChart } from './EChart';
import { chartColors } from './echarts';
import { formatMeasure, keyFields, keyText, measureName, measuresOf, toNumber } from './widgetData';

/** Bars per value of the first key (stacked by the second, if any), one measure at a time. */
export function BarWidget({ groups, object, title }: { groups: AggGroup[]; object?: ObjectDef; title: string }) {
  const { t, locale } = useI18n();
  const measures = measuresOf(groups);
  const [measure, setMeasure] = useState(measures[0] ?? 'count');
  const [first, second] = keyFields(groups);

  const option = useMemo(() => {
    const cats = [...new Set(groups.map((g) => keyText(g, first ?? '', t)))];
    const stacks = second ? [...new Set(groups.map((g) => keyText(g, second, t)))] : [''];
    const series = stacks.map((s) => ({
      type: 'bar',
      name: s || measureName(measure, object, locale, t),
      stack: second ? 'all' : undefined,
      barMaxWidth: 36,
      data: cats.map((c) =>
        groups
          .filter((g) => keyText(g, first ?? '', t) === c && (!second || keyText(g, second, t) === s))
          .reduce((sum, g) => sum + toNumber(g[measure]), 0),
      ),
    }));
    return {
      color: chartColors,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => formatMeasure(measure, v, object, locale),
      },
      legend: second ? { bottom: 0, type: 'scroll' } : undefined,
      grid: { left: 8, right: 16, top: 16, bottom: second ? 36 : 8, containLabel: true },
      xAxis: { type: 'category', data: cats, axisLabel: { interval: 0, width: 90, overflow: 'truncate' } },
      // Counts are whole numbers: no 0.5 steps on their axis.
      yAxis: { type: 'value', minInterval: measure === 'count' ? 1 : undefined },
      series,
    };
  }, [groups, first, second, measure, object, locale, t]);

  return (
    <>
      {measures.length > 1 && (
        <Segmented
          size="small"
          value={measure}
          onChange={(v) => setMeasure(v)}
          options={measures.map((m) => ({ value: m, label: measureName(m, object, locale, t) }))}
          style={{ marginBottom: 8 }}
        />
      )}
      <EChart
        option={option}
        label={title}
        summary={groups
          .map(
            (g) =>
              `${[first, second]
                .filter((k): k is string => !!k)
                .map((k) => keyText(g, k, t))
                .join(', ')}: ${formatMeasure(measure, g[measure], object, locale)}`,
          )
          .join('; ')}
      />
    </>
  );
}
