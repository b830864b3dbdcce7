import { DeleteOutlined, GlobalOutlined, LockOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../api/auth';
import { useObjects } from '../api/objects';
import { useUsers } from '../api/people';
import { reportsApi, reportsKey, useReports, type ReportDef, type Sharing } from '../api/reports';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';

const sharingIcon: Record<Sharing, React.ReactNode> = {
  private: <LockOutlined />,
  team: <TeamOutlined />,
  everyone: <GlobalOutlined />,
};

/** /reports: the reports I made and those shared with me, with whom each is shared. */
export default function ReportsPage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useReports();
  const me = useMe();
  const objects = useObjects();
  const users = useUsers();
  const [which, setWhich] = useState<'all' | 'mine' | 'shared'>('all');
  const [object, setObject] = useState('opportunity');
  const admin = me.data?.roles.includes('admin');
  const mine = (r: ReportDef) => r.owner === me.data?.id;
  const items = (list.data ?? []).filter((r) => which === 'all' || (which === 'mine') === mine(r));
  const objectLabel = (name: string) => pickLabel(objects.data?.find((o) => o.name === name)?.label, locale, name);

  return (
    <>
      <PageHeader
        title={t('reports.title')}
        subtitle={t('reports.subtitle')}
        extra={
          <Space wrap>
            <Select
              aria-label={t('reports.builder.object')}
              value={object}
              onChange={setObject}
              style={{ minWidth: 140 }}
              options={(objects.data ?? []).map((o) => ({ value: o.name, label: pickLabel(o.label, locale, o.name) }))}
            />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate(`/reports/new?object=${encodeURIComponent(object)}`)}
            >
              {t('reports.new')}
            </Button>
          </Space>
        }
      />
      {list.isError && (
        <Alert type="error" showIcon message={t('reports.loadFailed')} description={errorText(list.error, t)} />
      )}
      <Card styles={{ body: { padding: 0 } }}>
        <div style={{ padding: 12 }}>
          <Segmented
            value={which}
            onChange={(v) => setWhich(v as 'all' | 'mine' | 'shared')}
            options={[
              { value: 'all', label: t('reports.all') },
              { value: 'mine', label: t('reports.mine') },
              { value: 'shared', label: t('reports.shared') },
            ]}
          />
        </div>
        <Table<ReportDef>
          rowKey="name"
          loading={list.isPending}
          dataSource={items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('reports.empty') }}
          columns={[
            {
              key: 'name',
              title: t('reports.col.name'),
              render: (_, r) => (
                <Link to={`/reports/${encodeURIComponent(r.name)}`}>
                  <Typography.Text strong>{pickLabel(r.label, locale, r.name)}</Typography.Text>
                </Link>
              ),
            },
            { key: 'object', title: t('reports.col.object'), render: (_, r) => objectLabel(r.object) },
            {
              key: 'sharing',
              title: t('reports.col.sharing'),
              render: (_, r) => {
                const s = r.sharing ?? 'private';
                return (
                  <Tag icon={sharingIcon[s]} color={s === 'private' ? 'default' : s === 'team' ? 'blue' : 'green'}>
                    {t(`reports.sharing.${s}`)}
                  </Tag>
                );
              },
            },
            {
              key: 'owner',
              title: t('reports.col.owner'),
              responsive: ['md'],
              render: (_, r) => {
                const u = users.data?.find((x) => x.id === r.owner);
                return u?.name ?? u?.email ?? '—';
              },
            },
            {
              key: 'actions',
              title: '',
              render: (_, r) =>
                (mine(r) || admin) && (
                  <Popconfirm
                    title={t('reports.deleteConfirm', { name: pickLabel(r.label, locale, r.name) })}
                    onConfirm={() => {
                      reportsApi
                        .remove(r.name)
                        .then(() => qc.invalidateQueries({ queryKey: reportsKey }))
                        .catch((e: unknown) => void message.error(errorText(e, t)));
                    }}
                  >
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('reports.delete')} />
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
