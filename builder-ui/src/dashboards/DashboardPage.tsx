import { Alert, Button, Col, Row, Segmented, Skeleton, Card } from 'antd';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { type DashboardFilter, useDashboardData, useDashboards, type WidgetType } from '../api/dashboards';
import { useObjects } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { DashboardFilters } from './DashboardFilters';
import { WidgetCard } from './WidgetCard';

// How wide each type of widget is, per breakpoint: numbers are small, charts take half a row.
const span: Record<WidgetType, { xs: number; md: number; xl: number }> = {
  number: { xs: 24, md: 12, xl: 6 },
  funnel: { xs: 24, md: 24, xl: 12 },
  bar: { xs: 24, md: 24, xl: 12 },
  pie: { xs: 24, md: 12, xl: 12 },
  sla_compliance: { xs: 24, md: 12, xl: 12 },
};

/** /dashboards/{name}: every widget computed for the reader, in a grid that fits the screen. */
export default function DashboardPage() {
  const { t, locale } = useI18n();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  // The filter lives in the address, so a narrowed dashboard can be shared and reloaded.
  const [params, setParams] = useSearchParams();
  const filter: DashboardFilter = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    owner: params.get('owner') ?? undefined,
    team: params.get('team') ?? undefined,
  };
  const setFilter = (f: DashboardFilter) =>
    setParams(
      Object.fromEntries(
        Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
      ),
      { replace: true },
    );
  const data = useDashboardData(name, locale, filter);
  const list = useDashboards();
  const objects = useObjects();
  const def = list.data?.find((d) => d.name === name);

  return (
    <>
      <PageHeader
        title={data.data?.label || pickLabel(def?.label, locale, name)}
        subtitle={t('dash.subtitle')}
        extra={
          (list.data?.length ?? 0) > 1 && (
            <Segmented
              value={name}
              onChange={(v) => void navigate(`/dashboards/${encodeURIComponent(v)}?${params.toString()}`)}
              options={(list.data ?? []).map((d) => ({ value: d.name, label: pickLabel(d.label, locale, d.name) }))}
            />
          )
        }
      />
      <DashboardFilters value={filter} onChange={setFilter} />
      {data.isError && (
        <Alert
          type="error"
          showIcon
          message={t('dash.loadFailed')}
          description={errorText(data.error, t)}
          action={
            <Button size="small" onClick={() => void data.refetch()}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {data.isPending && (
        <Row gutter={[16, 16]}>
          {[0, 1].map((i) => (
            <Col key={i} xs={24} xl={12}>
              <Card>
                <Skeleton active paragraph={{ rows: 6 }} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      {data.data && (
        <Row gutter={[16, 16]}>
          {data.data.widgets.map((w) => (
            <Col key={w.name} {...(span[w.type] ?? span.bar)}>
              <WidgetCard w={w} object={objects.data?.find((o) => o.name === w.object)} />
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
