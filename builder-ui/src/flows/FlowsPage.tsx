import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApprovalProcesses, type ApprovalProcessDef } from '../api/approvalProcesses';
import { useObjects } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { NewFlowModal } from './NewFlowModal';

/** Every approval process, each opening in the editor. */
export default function FlowsPage() {
  const { t, locale } = useI18n();
  const processes = useApprovalProcesses();
  const objects = useObjects();
  const [creating, setCreating] = useState(false);
  const objectLabel = (name: string) => pickLabel(objects.data?.find((o) => o.name === name)?.label, locale, name);

  const columns: TableColumnsType<ApprovalProcessDef> = [
    {
      key: 'label',
      title: t('flows.process'),
      render: (_, p) => (
        <div style={{ minWidth: 0 }}>
          <Link to={`/flows/${encodeURIComponent(p.name)}`}>
            <Typography.Text strong style={{ color: 'inherit' }}>
              {pickLabel(p.label, locale, p.name)}
            </Typography.Text>
          </Link>
          <div>
            <Typography.Text type="secondary" code>
              {p.name}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { key: 'object', title: t('flows.object'), render: (_, p) => objectLabel(p.object) },
    {
      key: 'steps',
      title: t('flows.steps'),
      align: 'right',
      responsive: ['md'],
      render: (_, p) => p.nodes.filter((n) => n.kind === 'approval').length,
    },
    {
      key: 'state',
      title: t('flows.state'),
      responsive: ['sm'],
      render: (_, p) => (p.disabled ? <Tag>{t('flows.disabled')}</Tag> : <Tag color="green">{t('flows.active')}</Tag>),
    },
    { key: 'version', title: t('flows.versionCol'), dataIndex: 'version', align: 'right', responsive: ['md'] },
  ];

  return (
    <>
      <PageHeader
        title={t('flows.title')}
        subtitle={t('flows.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('flows.new')}
          </Button>
        }
      />
      {processes.isError && (
        <Alert
          type="error"
          showIcon
          message={t('flows.loadFailed')}
          description={errorText(processes.error, t)}
          action={
            <Button size="small" onClick={() => void processes.refetch()}>
              {t('common.retry')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {!(processes.isError && !processes.data) && (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<ApprovalProcessDef>
            rowKey="name"
            columns={columns}
            dataSource={processes.data ?? []}
            loading={processes.isPending}
            pagination={false}
            locale={{
              emptyText: processes.isPending ? (
                <div style={{ height: 120 }} />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('flows.empty')} />
              ),
            }}
          />
        </Card>
      )}
      <NewFlowModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
