import { UnorderedListOutlined } from '@ant-design/icons';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Empty, Flex, Select, Space, Tag, Typography, theme } from 'antd';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useForm, type FormField, type FormOption } from '../api/forms';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';
import { FieldValue } from './FieldValue';
import { patchRecord } from './patchRecord';
import { recordTitle, useObjectDef, usePeopleById } from './meta';

const staleAfterDays = 7;

// A card lands in the column under the pointer (a wide card overlaps two columns); the keyboard,
// which has no pointer, falls back to the largest overlap.
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

function KanbanCard({
  record,
  title,
  amount,
  owner,
  onOpen,
}: {
  record: RecordData;
  title: string;
  amount?: FormField;
  owner?: string;
  onOpen: () => void;
}) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: record.id });
  const stale = dayjs().diff(dayjs(String(record.updated_at)), 'day') >= staleAfterDays;
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      data-testid="kanban-card"
      data-id={record.id}
      data-stale={stale}
      onClick={onOpen}
      style={{
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        zIndex: isDragging ? 20 : undefined,
        position: 'relative',
        cursor: isDragging ? 'grabbing' : 'grab',
        touchAction: 'none',
        background: token.colorBgContainer,
        border: `1px ${stale ? 'dashed' : 'solid'} ${stale ? token.colorWarning : token.colorBorderSecondary}`,
        borderRadius: token.borderRadius,
        padding: '8px 10px',
        boxShadow: isDragging ? token.boxShadow : token.boxShadowTertiary,
      }}
    >
      <Typography.Text strong ellipsis style={{ display: 'block' }}>
        {title}
      </Typography.Text>
      <Flex justify="space-between" align="center" gap={8} style={{ marginTop: 4 }}>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {amount ? <FieldValue field={amount} value={record[amount.name]} /> : null}
        </Typography.Text>
        {stale && (
          <Tag color="warning" style={{ marginInlineEnd: 0 }}>
            {t('app.kanban.stale')}
          </Tag>
        )}
      </Flex>
      {owner && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {owner}
        </Typography.Text>
      )}
    </div>
  );
}

function KanbanColumn({ option, count, children }: { option: FormOption; count: number; children: ReactNode }) {
  const { token } = theme.useToken();
  const { setNodeRef, isOver } = useDroppable({ id: option.value });
  return (
    <div
      ref={setNodeRef}
      data-testid={`kanban-column-${option.value}`}
      aria-label={option.label}
      style={{
        flex: '0 0 260px',
        width: 260,
        minWidth: 0,
        background: isOver ? token.colorPrimaryBg : token.colorFillQuaternary,
        border: `1px solid ${isOver ? token.colorPrimaryBorder : 'transparent'}`,
        borderRadius: token.borderRadiusLG,
        padding: 8,
        minHeight: 320,
      }}
    >
      <Flex justify="space-between" align="center" style={{ padding: '4px 4px 8px' }}>
        <Tag color={option.color} style={{ marginInlineEnd: 0 }}>
          {option.label}
        </Tag>
        <Badge count={count} showZero color={token.colorTextTertiary} />
      </Flex>
      <Flex vertical gap={8}>
        {children}
      </Flex>
    </div>
  );
}

/** Records as cards in columns of a picklist; dropping a card in another column saves the value. */
export default function KanbanPage() {
  const { object = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm(object);
  const { def } = useObjectDef(object);
  const people = usePeopleById();
  const picklists = (form.data?.fields ?? []).filter((f) => f.type === 'picklist');
  const field = picklists.find((f) => f.name === params.get('field')) ?? picklists[0];
  const amount = form.data?.fields.find((f) => f.type === 'currency');
  // Cards moved but not yet confirmed by the server: shown in their new column meanwhile.
  const [moving, setMoving] = useState<Record<string, string>>({});
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  const key = ['records', object, { kanban: true }];
  const list = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => recordsApi.list(object, { limit: 200 }, signal),
  });
  const items = list.data?.items ?? [];

  const onDragEnd = (e: DragEndEvent) => {
    if (!field || !e.over) return;
    const id = String(e.active.id);
    const to = String(e.over.id);
    const rec = items.find((r) => r.id === id);
    if (!rec || rec[field.name] === to) return;
    setMoving((m) => ({ ...m, [id]: to }));
    patchRecord(object, rec, { [field.name]: to })
      .then((saved) => {
        queryClient.setQueryData(key, (old: typeof list.data) =>
          old ? { ...old, items: old.items.map((r) => (r.id === id ? saved : r)) } : old,
        );
        void queryClient.invalidateQueries({ queryKey: ['record', object, id] });
        // A stage change may start automations that save the record again (last activity): the
        // board picks up their version shortly after, so the next drag of this card is not refused.
        setTimeout(() => void queryClient.invalidateQueries({ queryKey: key }), 1500);
        message.success(
          t('app.kanban.moved', {
            title: recordTitle(def, rec),
            to: field.options?.find((o) => o.value === to)?.label ?? to,
          }),
        );
      })
      .catch((err: unknown) => {
        // The card goes back where the server still has it, and the reason is told.
        message.error(t('app.kanban.moveFailed', { reason: errorText(err, t) }));
        void list.refetch();
      })
      .finally(() =>
        setMoving((m) => {
          const { [id]: _, ...rest } = m;
          void _;
          return rest;
        }),
      );
  };

  return (
    <>
      <PageHeader
        title={t('app.kanban.title', { object: form.data?.label ?? object })}
        subtitle={t('app.kanban.subtitle')}
        extra={
          <Space wrap>
            {picklists.length > 1 && (
              <Select
                aria-label={t('app.kanban.groupBy')}
                value={field?.name}
                style={{ minWidth: 160 }}
                onChange={(v: string) => setParams({ field: v })}
                options={picklists.map((p) => ({ value: p.name, label: p.label }))}
              />
            )}
            <Button icon={<UnorderedListOutlined />} onClick={() => void navigate(`/app/${object}`)}>
              {t('app.kanban.list')}
            </Button>
          </Space>
        }
      />
      {list.isError && <Alert type="error" showIcon message={errorText(list.error, t)} style={{ marginBottom: 16 }} />}
      {!field && form.data && <Empty description={t('app.kanban.noPicklist')} />}
      {field && (
        <Card loading={list.isPending || !form.data} styles={{ body: { padding: 12 } }}>
          <DndContext sensors={sensors} collisionDetection={collision} onDragEnd={onDragEnd}>
            <div style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 8 }} data-testid="kanban-board">
              {(field.options ?? []).map((o) => {
                const cards = items.filter((r) => (moving[r.id] ?? r[field.name]) === o.value);
                return (
                  <KanbanColumn key={o.value} option={o} count={cards.length}>
                    {cards.map((r) => (
                      <KanbanCard
                        key={r.id}
                        record={r}
                        title={recordTitle(def, r)}
                        amount={amount}
                        owner={people[String(r.owner)]}
                        onOpen={() => void navigate(`/app/${object}/${r.id}`)}
                      />
                    ))}
                  </KanbanColumn>
                );
              })}
            </div>
          </DndContext>
        </Card>
      )}
    </>
  );
}
