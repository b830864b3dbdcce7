import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Input, Table, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useObjects, type ObjectDef } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';

export default function ObjectsPage() {
  const { t, locale } = useI18n();
  const objects = useObjects();
  const navigate = useNavigate();
  const [find, setFind] = useState('');
  const label = (o: ObjectDef) => pickLabel(o.label, locale, o.name);
  // Quick find: by API name or by the label in any language, as analysts know objects by either.
  const needle = find.trim().toLowerCase();
  const items = (objects.data ?? []).filter(
    (o) =>
      !needle ||
      o.name.toLowerCase().includes(needle) ||
      Object.values(o.label ?? {}).some((l) => typeof l === 'string' && l.toLowerCase().includes(needle)),
  );

  const columns: TableColumnsType<ObjectDef> = [
    {
      key: 'label',
      title: t('objects.label'),
      sorter: (a, b) => label(a).localeCompare(label(b), locale),
      render: (_, o) => (
        <div style={{ minWidth: 0 }}>
          <Link to={`/objects/${o.name}`}>
            <Typography.Text strong>{label(o)}</Typography.Text>
          </Link>
          {/* On phones the API name column is hidden; show the name under the label instead. */}
          <div className="crm-phone-only">
            <Typography.Text type="secondary" code>
              {o.name}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      key: 'name',
      title: t('objects.name'),
      dataIndex: 'name',
      responsive: ['md'],
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
    },
    {
      key: 'fields',
      title: t('objects.fields'),
      align: 'right',
      sorter: (a, b) => a.fields.length - b.fields.length,
      render: (_, o) => t('objects.fieldCount', { count: o.fields.length }),
    },
    { key: 'version', title: t('objects.version'), dataIndex: 'version', align: 'right', responsive: ['md'] },
    {
      key: 'updated',
      title: t('objects.updatedAt'),
      dataIndex: 'updated_at',
      responsive: ['lg'],
      defaultSortOrder: 'descend',
      sorter: (a, b) => (a.updated_at ?? '').localeCompare(b.updated_at ?? ''),
      render: (at?: string) => (at ? <span title={dayjs(at).format('LLLL')}>{dayjs(at).format('lll')}</span> : '—'),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('objects.title')}
        subtitle={t('objects.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/objects/new')}>
            {t('objects.new')}
          </Button>
        }
      />
      {objects.isError && (
        <Alert
          type="error"
          showIcon
          message={t('objects.loadFailed')}
          description={errorText(objects.error, t)}
          action={
            <Button size="small" onClick={() => void objects.refetch()} loading={objects.isFetching}>
              {t('common.retry')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {/* After a failed load there is nothing to list: the alert says so, an empty table would not. */}
      {!(objects.isError && !objects.data) && (
        <Card styles={{ body: { padding: 0 } }}>
          <div style={{ padding: 12 }}>
            <Input.Search
              allowClear
              placeholder={t('objects.find')}
              aria-label={t('objects.find')}
              value={find}
              onChange={(e) => setFind(e.target.value)}
              style={{ maxWidth: 320 }}
            />
          </div>
          <Table<ObjectDef>
            rowKey="name"
            columns={columns}
            dataSource={items}
            loading={objects.isPending}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            locale={{
              emptyText: objects.isPending ? (
                <div style={{ height: 120 }} />
              ) : needle ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('objects.noMatch', { q: find.trim() })} />
              ) : (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={
                    <>
                      <Typography.Text strong>{t('objects.empty')}</Typography.Text>
                      <br />
                      <Typography.Text type="secondary">{t('objects.emptyHint')}</Typography.Text>
                    </>
                  }
                />
              ),
            }}
          />
        </Card>
      )}
    </>
  );
}
