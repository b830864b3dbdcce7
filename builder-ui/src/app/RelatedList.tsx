import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Table, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useForm } from '../api/forms';
import type { ObjectDef } from '../api/objects';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { FieldValue } from '../fields/registry';
import { titleField } from './meta';

/** The records of another object whose lookup field points at this record. */
export function RelatedList({ object, field, id }: { object: ObjectDef; field: string; id: string }) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const form = useForm(object.name);
  const list = useQuery({
    queryKey: ['records', object.name, { related: field, id }],
    queryFn: ({ signal }) =>
      recordsApi.list(object.name, { filter: `${field} = ${JSON.stringify(id)}`, limit: 10 }, signal),
  });
  const fields = form.data?.fields ?? [];
  const title = titleField(object);
  const shown = [
    ...fields.filter((f) => f.name === title),
    ...fields
      .filter((f) => f.name !== title && f.name !== field && ['picklist', 'currency', 'date'].includes(f.type))
      .slice(0, 2),
  ];
  const items = list.data?.items ?? [];
  const label = pickLabel(object.label, locale, object.name);
  return (
    <div>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>
          {label}{' '}
          <Typography.Text type="secondary">
            ({items.length}
            {list.data?.next_cursor ? '+' : ''})
          </Typography.Text>
        </Typography.Text>
        <Button size="small" type="link" onClick={() => void navigate(`/app/${object.name}`)}>
          {t('app.record.viewAll')}
        </Button>
      </Flex>
      {!list.isPending && items.length === 0 ? (
        <Typography.Text type="secondary">{t('app.record.noRelated')}</Typography.Text>
      ) : (
        <Table<RecordData>
          size="small"
          rowKey="id"
          loading={list.isPending}
          pagination={false}
          dataSource={items}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('app.record.noRelated') }}
          onRow={(r) => ({ onClick: () => void navigate(`/app/${object.name}/${r.id}`), style: { cursor: 'pointer' } })}
          columns={shown.map((f) => ({
            key: f.name,
            dataIndex: f.name,
            title: f.label,
            render: (v: unknown) => <FieldValue field={f} value={v} />,
          }))}
        />
      )}
    </div>
  );
}
