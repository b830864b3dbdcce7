import { DeleteOutlined, DownloadOutlined, EditOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Dropdown, Form, List, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { bulkRecords, maxBulkRecords, type BulkAnswer } from '../api/bulk';
import type { FormField } from '../api/forms';
import { exportList } from '../api/imports';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { FieldInput } from '../fields/registry';
import { UserSelect } from './UserSelect';

// Field types a mass update sets: one value for all (lookups are one record's, not many's).
const settable = [
  'text',
  'textarea',
  'email',
  'phone',
  'url',
  'integer',
  'number',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'picklist',
  'multipicklist',
  'user',
];

/**
 * What a list does with the rows ticked: set a field, change the owner, delete or export them. Each
 * record goes through the whole write pipeline; the answer says which were refused and why.
 */
export function BulkActions({
  object,
  fields,
  selected,
  titleOf,
  onDone,
}: {
  object: string;
  fields: FormField[];
  selected: string[];
  titleOf: (id: string) => string;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'field' | 'owner' | null>(null);
  const [field, setField] = useState<string>();
  const [value, setValue] = useState<unknown>(null);
  const [failed, setFailed] = useState<BulkAnswer | null>(null);
  const editable = fields.filter((f) => settable.includes(f.type) && !f.read_only);
  const chosen = editable.find((f) => f.name === field);

  const run = useMutation({
    mutationFn: (req: { action: 'update' | 'delete'; values?: Record<string, unknown> }) =>
      bulkRecords(object, { ...req, ids: selected }),
    onSuccess: (answer) => {
      setDialog(null);
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      if (answer.failed > 0) setFailed(answer);
      else message.success(t('app.bulk.done', { count: answer.ok }));
      onDone();
    },
  });
  const tooMany = selected.length > maxBulkRecords;
  const none = selected.length === 0;

  return (
    <>
      <Typography.Text type="secondary" data-testid="bulk-count">
        {t('app.bulk.selected', { count: selected.length })}
      </Typography.Text>
      <Dropdown
        disabled={none || tooMany}
        menu={{
          items: [
            { key: 'field', icon: <EditOutlined />, label: t('app.bulk.setField') },
            { key: 'owner', icon: <UserSwitchOutlined />, label: t('app.bulk.owner') },
            { key: 'export', icon: <DownloadOutlined />, label: t('app.bulk.export'), disabled: selected.length > 100 },
            { type: 'divider' },
            { key: 'delete', icon: <DeleteOutlined />, label: t('app.bulk.delete'), danger: true },
          ],
          onClick: ({ key }) => {
            if (key === 'delete') {
              modal.confirm({
                title: t('app.bulk.deleteConfirm', { count: selected.length }),
                okButtonProps: { danger: true },
                okText: t('app.bulk.delete'),
                onOk: () => run.mutateAsync({ action: 'delete' }),
              });
            } else if (key === 'export') {
              void exportList(object, 'xlsx', {
                filter: `id in (${selected.map((id) => JSON.stringify(id)).join(', ')})`,
              });
            } else {
              setValue(null);
              setField(undefined);
              setDialog(key as 'field' | 'owner');
            }
          },
        }}
      >
        <Button title={tooMany ? t('app.bulk.tooMany', { count: maxBulkRecords }) : undefined}>
          {t('app.bulk.actions')}
        </Button>
      </Dropdown>
      <Modal
        open={dialog !== null}
        title={dialog === 'owner' ? t('app.bulk.owner') : t('app.bulk.setField')}
        okText={t('app.bulk.apply', { count: selected.length })}
        okButtonProps={{ disabled: dialog === 'field' ? !chosen : !value, loading: run.isPending }}
        onCancel={() => setDialog(null)}
        onOk={() =>
          run.mutate({ action: 'update', values: dialog === 'owner' ? { owner: value } : { [chosen!.name]: value } })
        }
        destroyOnHidden
      >
        {run.isError && <Alert type="error" showIcon message={errorText(run.error, t)} style={{ marginBottom: 12 }} />}
        <Form layout="vertical" component="div">
          {dialog === 'owner' ? (
            <Form.Item label={t('app.field.owner')} htmlFor="bulk-owner">
              <UserSelect id="bulk-owner" value={value as string | null} onChange={setValue} />
            </Form.Item>
          ) : (
            <>
              <Form.Item label={t('app.bulk.field')} htmlFor="bulk-field">
                <Select
                  id="bulk-field"
                  showSearch
                  optionFilterProp="label"
                  value={field}
                  onChange={(f: string) => {
                    setField(f);
                    setValue(null);
                  }}
                  options={editable.map((f) => ({ value: f.name, label: f.label }))}
                />
              </Form.Item>
              {chosen && (
                <Form.Item label={t('app.bulk.value')} htmlFor={`field-${chosen.name}`}>
                  <FieldInput field={chosen} value={value} onChange={setValue} disabled={false} invalid={false} />
                </Form.Item>
              )}
            </>
          )}
        </Form>
      </Modal>
      <Modal
        open={failed !== null}
        title={t('app.bulk.partial', { ok: failed?.ok ?? 0, failed: failed?.failed ?? 0 })}
        footer={<Button onClick={() => setFailed(null)}>{t('app.bulk.close')}</Button>}
        onCancel={() => setFailed(null)}
      >
        <List
          size="small"
          data-testid="bulk-failures"
          dataSource={(failed?.results ?? []).filter((r) => !r.ok)}
          renderItem={(r) => (
            <List.Item>
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{titleOf(r.id)}</Typography.Text>
                <Typography.Text type="danger">{r.error?.message}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}
