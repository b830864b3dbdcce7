import { BarChartOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Typography } from 'antd';
import { Navigate, useNavigate } from 'react-router';
import { useDashboards } from '../api/dashboards';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';

/** /dashboards: one card per dashboard; with only one, it opens straight away. */
export default function DashboardsPage() {
  const { t, locale } = useI18n();
  const list = useDashboards();
  const navigate = useNavigate();
  const items = list.data ?? [];
  if (items.length === 1) return <Navigate to={`/dashboards/${encodeURIComponent(items[0]!.name)}`} replace />;

  return (
    <>
      <PageHeader title={t('dash.title')} subtitle={t('dash.listSubtitle')} />
      {list.isError && (
        <Alert
          type="error"
          showIcon
          message={t('dash.loadFailed')}
          description={errorText(list.error, t)}
          action={
            <Button size="small" onClick={() => void list.refetch()}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {list.isPending && <Skeleton active />}
      {list.isSuccess && items.length === 0 && (
        <Card>
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.empty')} />
        </Card>
      )}
      <Row gutter={[16, 16]}>
        {items.map((d) => (
          <Col key={d.name} xs={24} sm={12} xl={8}>
            <Card
              hoverable
              role="link"
              tabIndex={0}
              aria-label={pickLabel(d.label, locale, d.name)}
              onClick={() => void navigate(`/dashboards/${encodeURIComponent(d.name)}`)}
              onKeyDown={(e) => e.key === 'Enter' && void navigate(`/dashboards/${encodeURIComponent(d.name)}`)}
            >
              <Card.Meta
                avatar={<BarChartOutlined style={{ fontSize: 28, color: '#1677ff' }} />}
                title={pickLabel(d.label, locale, d.name)}
                description={
                  <Typography.Text type="secondary">
                    {t('dash.widgetCount', { count: d.widgets.length })} ·{' '}
                    {d.widgets.map((w) => pickLabel(w.label, locale, w.name)).join(', ')}
                  </Typography.Text>
                }
              />
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
