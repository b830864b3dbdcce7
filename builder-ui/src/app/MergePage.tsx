import { CloseOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Popconfirm, Radio, Skeleton, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useForm, type FormField } from '../api/forms';
import { maxMergeLosers, recordsApi, type RecordData } from '../api/records';
import { FieldValue } from '../fields/registry';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';
import { LookupSelect } from './LookupSelect';
import { recordTitle, useLookupNames, useObjectDef, usePeopleById } from './meta';

// Fields the engine computes are never chosen: the winner recomputes them.
const computed = new Set(['formula', 'autonumber']);

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** A lookup's value by name. */
function LookupName({ field, value }: { field: FormField; value: unknown }) {
  const names = useLookupNames(field.target, typeof value === 'string' ? [value] : []);
  return <FieldValue field={field} value={value} names={names.data} />;
}

/**
 * The merge screen (`/app/:object/merge?ids=a,b`): the records side by side, one row per field.
 * The user picks the record to keep (a column) and, per row, whose value it keeps; the others are
 * folded into it by POST /api/records/{object}/merge.
 */
export default function MergePage() {
  const { object = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const form = useForm(object);
  const { def } = useObjectDef(object);
  const people = usePeopleById();
  const [ids, setIds] = useState<string[]>(() => [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))]);
  const [winner, setWinner] = useState<string>(ids[0] ?? '');
  const [choice, setChoice] = useState<Record<string, string>>({});
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['record', object, id],
      queryFn: ({ signal }: { signal: AbortSignal }) => recordsApi.get(object, id, signal),
    })),
  });
  const records = results.map((r) => r.data).filter((r): r is RecordData => !!r);
  const failed = results.find((r) => r.isError);
  const byId = new Map(records.map((r) => [r.id, r]));
  const title = (id: string) => recordTitle(def, byId.get(id));

  const rows: FormField[] = [
    ...(form.data?.fields ?? []).filter((f) => !computed.has(f.type)),
    { name: 'owner', type: 'owner', label: t('app.field.owner') },
  ];
  // A field keeps the winner's value unless the user chose another, or the winner has none.
  const chosen = (f: FormField) => {
    const c = choice[f.name];
    if (c && ids.includes(c)) return c;
    if (!empty(byId.get(winner)?.[f.name])) return winner;
    return ids.find((id) => !empty(byId.get(id)?.[f.name])) ?? winner;
  };

  const merge = useMutation({
    mutationFn: () =>
      recordsApi.merge(object, {
        winner,
        losers: ids.filter((id) => id !== winner),
        fields: Object.fromEntries(rows.filter((f) => !f.read_only).map((f) => [f.name, chosen(f)])),
      }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      for (const id of ids) queryClient.removeQueries({ queryKey: ['record', object, id] });
      message.success(t('app.merge.done', { record: recordTitle(def, saved) }));
      void navigate(`/app/${object}/${saved.id}`);
    },
  });

  const add = (id: string | null) => {
    if (!id || ids.includes(id) || ids.length > maxMergeLosers) return;
    setIds([...ids, id]);
    if (!winner) setWinner(id);
  };
  const remove = (id: string) => {
    const rest = ids.filter((x) => x !== id);
    setIds(rest);
    if (winner === id) setWinner(rest[0] ?? '');
  };

  const value = (f: FormField, r: RecordData | undefined) => {
    if (!r) return null;
    if (f.name === 'owner') return people[String(r.owner)] ?? '—';
    if (empty(r[f.name])) return <Typography.Text type="secondary">—</Typography.Text>;
    if (f.type === 'lookup') return <LookupName field={f} value={r[f.name]} />;
    return <FieldValue field={f} value={r[f.name]} people={people} />;
  };

  const columns: TableColumnsType<FormField> = [
    { key: 'field', title: t('app.merge.field'), dataIndex: 'label', width: 180, fixed: 'left' },
    ...ids.map((id) => ({
      key: id,
      title: (
        <Flex vertical gap={4}>
          <Flex justify="space-between" align="center" gap={8}>
            <Typography.Text strong className="crm-ellipsis">
              {title(id)}
            </Typography.Text>
            {ids.length > 1 && (
              <Button
                type="text"
                size="small"
                icon={<CloseOutlined />}
                aria-label={t('app.merge.remove', { record: title(id) })}
                onClick={() => remove(id)}
              />
            )}
          </Flex>
          {winner === id && <Typography.Text type="success">{t('app.merge.kept')}</Typography.Text>}
        </Flex>
      ),
      render: (_: unknown, f: FormField) => (
        <Radio
          checked={chosen(f) === id}
          disabled={!!f.read_only}
          onChange={() => setChoice({ ...choice, [f.name]: id })}
          aria-label={t('app.merge.valueOf', { field: f.label, record: title(id) })}
        >
          {value(f, byId.get(id))}
        </Radio>
      ),
    })),
  ];

  const loading = !form.data || results.some((r) => r.isPending);
  return (
    <>
      <PageHeader title={t('app.merge.title')} subtitle={form.data?.label} />
      <Card>
        <Flex vertical gap={16}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('app.merge.hint')}
          </Typography.Paragraph>
          {failed && <Alert type="error" showIcon message={errorText(failed.error, t)} />}
          <Space wrap>
            <div style={{ width: 320 }}>
              <LookupSelect
                target={object}
                value={null}
                onChange={add}
                disabled={ids.length > maxMergeLosers}
                id="merge-add"
              />
            </div>
            <Typography.Text type="secondary">
              {ids.length > maxMergeLosers ? t('app.merge.max', { count: maxMergeLosers }) : t('app.merge.addHint')}
            </Typography.Text>
          </Space>
          <Flex gap={8} wrap align="center">
            <Typography.Text strong>{t('app.merge.keep')}</Typography.Text>
            <div role="radiogroup" aria-label={t('app.merge.keep')}>
              <Radio.Group
                value={winner}
                onChange={(e) => setWinner(String(e.target.value))}
                options={ids.map((id) => ({ value: id, label: title(id) }))}
              />
            </div>
          </Flex>
          {loading ? (
            <Skeleton active paragraph={{ rows: 8 }} />
          ) : (
            <Table<FormField>
              rowKey="name"
              columns={columns}
              dataSource={rows}
              pagination={false}
              size="small"
              scroll={{ x: 'max-content' }}
            />
          )}
          {ids.length < 2 && <Alert type="info" showIcon message={t('app.merge.needTwo')} />}
          {merge.isError && <Alert type="error" showIcon message={errorText(merge.error, t)} />}
          <Flex justify="flex-end" gap={8}>
            <Button onClick={() => void navigate(-1)}>{t('app.merge.cancel')}</Button>
            <Popconfirm
              title={t('app.merge.confirmTitle', { count: ids.length - 1, record: title(winner) })}
              description={t('app.merge.confirmText')}
              okText={t('app.merge.confirm')}
              cancelText={t('app.merge.cancel')}
              onConfirm={() => merge.mutate()}
            >
              <Button
                type="primary"
                icon={<MergeCellsOutlined />}
                disabled={ids.length < 2 || loading || !!failed}
                loading={merge.isPending}
              >
                {t('app.merge.confirm')}
              </Button>
            </Popconfirm>
          </Flex>
        </Flex>
      </Card>
    </>
  );
}
