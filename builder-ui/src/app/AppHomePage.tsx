import { Card, Col, Row, Skeleton, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useObjects } from '../api/objects';
import { useInbox } from '../api/work';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';

/** The work area's start: every object the user can open, and the approvals waiting. */
export default function AppHomePage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const objects = useObjects();
  const inbox = useInbox();
  const waiting = inbox.data?.length ?? 0;
  return (
    <>
      <PageHeader title={t('app.home.title')} subtitle={t('app.home.subtitle')} />
      {objects.isPending ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          {waiting > 0 && (
            <Col xs={24} sm={12} lg={8}>
              <Card hoverable onClick={() => void navigate('/inbox')} style={{ borderColor: '#faad14' }}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t('app.inbox.title')}
                </Typography.Title>
                <Typography.Text type="secondary">{t('app.home.waiting', { count: waiting })}</Typography.Text>
              </Card>
            </Col>
          )}
          {(objects.data ?? []).map((o) => (
            <Col key={o.name} xs={24} sm={12} lg={8}>
              <Card hoverable onClick={() => void navigate(`/app/${o.name}`)}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {pickLabel(o.label, locale, o.name)}
                </Typography.Title>
                <Typography.Text type="secondary">{t('app.home.open')}</Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
