import { Flex, Statistic } from 'antd';
import type { AggGroup } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { formatMeasure, measureName, measuresOf } from './widgetData';

/** Each measure over every record the reader may see, as a big number. */
export function NumberWidget({ groups, object }: { groups: AggGroup[]; object?: ObjectDef }) {
  const { t, locale } = useI18n();
  const g = groups[0];
  return (
    <Flex gap={32} wrap>
      {measuresOf(groups).map((m) => (
        <Statistic
          key={m}
          title={measureName(m, object, locale, t)}
          value={g ? formatMeasure(m, g[m], object, locale) : '—'}
        />
      ))}
    </Flex>
  );
}
