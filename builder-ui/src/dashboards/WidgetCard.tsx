import { Alert, Card, Empty, Grid } from 'antd';
import { useMemo, type ReactNode } from 'react';
import type { AggGroup, WidgetData } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { BarWidget } from './BarWidget';
import { FunnelWidget } from './FunnelWidget';
import { NumberWidget } from './NumberWidget';
import { PieWidget } from './PieWidget';
import { SlaWidget } from './SlaWidget';
import { useLookupLabels } from './useLookupLabels';
import { inDeclaredOrder } from './widgetData';

const noGroups: AggGroup[] = [];

/** One widget in its card: the chart of its type, or the reason it could not be computed. */
export function WidgetCard({
  w,
  object,
  extra,
  body: own,
  fill,
  measures,
}: {
  w: WidgetData;
  /** The measures as the widget declares them: shown in that order. */
  measures?: string[];
  object?: ObjectDef;
  /** Actions in the title bar (the dashboard editor's). */
  extra?: ReactNode;
  /** What the card shows instead of the widget's type (a report widget). */
  body?: ReactNode;
  /** The card fills a grid cell: the body scrolls when its content is taller. */
  fill?: boolean;
}) {
  const { t } = useI18n();
  const phone = !Grid.useBreakpoint().sm;
  const title = w.label || w.name;
  const labelled = useLookupLabels(w.groups ?? noGroups, object);
  const groups = useMemo(() => inDeclaredOrder(labelled, measures), [labelled, measures]);
  const body = () => {
    if (own) return own;
    if (w.error) {
      return <Alert type="warning" showIcon message={t('dash.widgetFailed')} description={errorText(w.error, t)} />;
    }
    if ((w.type === 'bar' || w.type === 'pie') && groups.length === 0) {
      return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noData')} />;
    }
    switch (w.type) {
      case 'funnel':
        return <FunnelWidget groups={groups} object={object} title={title} />;
      case 'bar':
        return <BarWidget groups={groups} object={object} title={title} />;
      case 'pie':
        return <PieWidget groups={groups} object={object} title={title} />;
      case 'number':
        return <NumberWidget groups={groups} object={object} />;
      case 'sla_compliance':
        return <SlaWidget groups={groups} compliance={w.compliance} />;
      default:
        return <Alert type="info" message={t('dash.unknownType', { type: String(w.type) })} />;
    }
  };
  return (
    <Card
      title={title}
      data-testid={`widget-${w.name}`}
      extra={extra}
      style={{ height: '100%', display: fill ? 'flex' : undefined, flexDirection: 'column' }}
      styles={{ body: { padding: phone ? 12 : 24, ...(fill ? { flex: 1, minHeight: 0, overflow: 'auto' } : {}) } }}
    >
      {body()}
    </Card>
  );
}
