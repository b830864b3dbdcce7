import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Drawer, Grid, Space, Table, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { recordsKey, useRecordForm, useRecords, type RecordValues } from '../api/builderRecords';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { RecordForm } from '../records/RecordForm';
import { FullPageSpin } from '../shell/FullPageSpin';
import { PageHeader } from '../shell/PageHeader';

const show = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** /objects/:name/records: the latest records of an object and a new one through its form. */
export default function RecordsPage() {
  const { name = '' } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useRecordForm(name);
  const records = useRecords(name);
  const [open, setOpen] = useState(false);
  if (form.isPending) return <FullPageSpin />;
  if (form.isError) return <Alert type="error" showIcon message={errorText(form.error, t)} />;

  const shown = form.data.fields.filter((f) => f.type !== 'textarea').slice(0, screens.md ? 6 : 2);
  const columns: TableColumnsType<RecordValues> = [
    ...shown.map((f) => ({ key: f.name, title: f.label, render: (_: unknown, r: RecordValues) => show(r[f.name]) })),
    {
      key: 'created',
      title: t('records.createdAt'),
      responsive: ['md'],
      render: (_: unknown, r: RecordValues) => (r.created_at ? dayjs(r.created_at).format('lll') : ''),
    },
  ];
  return (
    <>
      <PageHeader
        title={form.data.label}
        subtitle={t('records.subtitle')}
        extra={
          <Space wrap>
            <Button icon={<SettingOutlined />} onClick={() => void navigate(`/objects/${name}`)}>
              {t('records.design')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
              {t('records.new')}
            </Button>
          </Space>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<RecordValues>
          rowKey="id"
          columns={columns}
          dataSource={records.data ?? []}
          loading={records.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('records.empty') }}
        />
      </Card>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t('records.newOf', { object: form.data.label })}
        width={screens.md ? 640 : '100%'}
        destroyOnHidden
      >
        <RecordForm
          object={name}
          form={form.data}
          onCreated={() => {
            setOpen(false);
            message.success(t('records.created'));
            void queryClient.invalidateQueries({ queryKey: recordsKey(name) });
          }}
        />
      </Drawer>
    </>
  );
}
