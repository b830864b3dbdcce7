import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Table, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useForm } from '../api/forms';
import type { ObjectDef } from '../api/objects';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { FieldValue } from '../fields/registry';
import { recordTitle, titleField } from './meta';

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
  // Each record by its name as people say it (a contact by first and last name, not by its job
  // title), then a few fields that tell records apart; never the lookup to this record itself.
  const byFullName = fields.some((f) => f.name === 'last_name');
  const title = titleField(object);
  const nameFields = byFullName ? ['first_name', 'last_name'] : [title];
  const nameLabel = byFullName
    ? t('app.record.name')
    : (fields.find((f) => f.name === title)?.label ?? t('app.record.name'));
  const shown = fields
    .filter(
      (f) =>
        !nameFields.includes(f.name) &&
        f.name !== field &&
        (['picklist', 'currency', 'date', 'email'].includes(f.type) || f.name === title),
    )
    .slice(0, 2);
  const items = list.data?.items ?? [];
  const label = pickLabel(object.label, locale, object.name);
  return (
    <div data-testid={`related-${object.name}-${field}`}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>
          {label}{' '}
          <Typography.Text type="secondary">
            ({items.length}
            {list.data?.next_cursor ? '+' : ''})
          </Typography.Text>
        </Typography.Text>
        <Flex>
          <Button
            size="small"
            type="link"
            data-testid={`new-related-${object.name}`}
            onClick={() => void navigate(`/app/${object.name}/new?${new URLSearchParams({ [field]: id }).toString()}`)}
          >
            {t('app.record.newRelated')}
          </Button>
          <Button
            size="small"
            type="link"
            data-testid={`view-all-${object.name}`}
            onClick={() =>
              void navigate(
                `/app/${object.name}?${new URLSearchParams({ filter: `${field} = ${JSON.stringify(id)}` }).toString()}`,
              )
            }
          >
            {t('app.record.viewAll')}
          </Button>
        </Flex>
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
          columns={[
            {
              key: '_name',
              title: nameLabel,
              render: (_: unknown, r: RecordData) => <Typography.Text strong>{recordTitle(object, r)}</Typography.Text>,
            },
            ...shown.map((f) => ({
              key: f.name,
              dataIndex: f.name,
              title: f.label,
              render: (v: unknown) => <FieldValue field={f} value={v} />,
            })),
          ]}
        />
      )}
    </div>
  );
}
