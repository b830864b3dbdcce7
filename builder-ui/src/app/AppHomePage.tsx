import { FileTextOutlined, InboxOutlined, PlusOutlined } from '@ant-design/icons';
import { Avatar, Button, Card, Col, Flex, Row, Skeleton, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useObjects } from '../api/objects';
import { useInbox } from '../api/work';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { objectIcons } from './useAppMenu';

// One colour per object, so that a record type is recognised at a glance.
const tints = ['#1677ff', '#13c2c2', '#722ed1', '#fa8c16', '#52c41a', '#eb2f96', '#2f54eb', '#faad14'];

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
      {waiting > 0 && (
        <Card
          hoverable
          onClick={() => void navigate('/inbox')}
          style={{ marginBottom: 16, borderColor: '#ffd591', background: '#fff7e6' }}
          styles={{ body: { padding: 16 } }}
        >
          <Flex align="center" gap={12}>
            <Avatar style={{ background: '#fa8c16' }} icon={<InboxOutlined />} />
            <div>
              <Typography.Text strong>{t('app.inbox.title')}</Typography.Text>
              <br />
              <Typography.Text type="secondary">{t('app.home.waiting', { count: waiting })}</Typography.Text>
            </div>
          </Flex>
        </Card>
      )}
      {objects.isPending ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          {(objects.data ?? []).map((o, i) => (
            <Col key={o.name} xs={24} sm={12} lg={8}>
              <Card hoverable onClick={() => void navigate(`/app/${o.name}`)} styles={{ body: { padding: 16 } }}>
                <Flex align="center" gap={12}>
                  <Avatar
                    size={40}
                    shape="square"
                    style={{ background: tints[i % tints.length], flex: 'none' }}
                    icon={objectIcons[o.name] ?? <FileTextOutlined />}
                  />
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <Typography.Text strong style={{ fontSize: 16 }}>
                      {pickLabel(o.label, locale, o.name)}
                    </Typography.Text>
                    <br />
                    <Typography.Text type="secondary">{t('app.home.open')}</Typography.Text>
                  </div>
                  <Button
                    icon={<PlusOutlined />}
                    aria-label={t('app.home.new', { object: pickLabel(o.label, locale, o.name) })}
                    title={t('app.home.new', { object: pickLabel(o.label, locale, o.name) })}
                    onClick={(e) => {
                      e.stopPropagation();
                      void navigate(`/app/${o.name}/new`);
                    }}
                  />
                </Flex>
              </Card>
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
