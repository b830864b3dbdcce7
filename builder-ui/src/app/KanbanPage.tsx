import { textOf } from '../fields/text';
import { UnorderedListOutlined } from '@ant-design/icons';
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
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
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useForm, type FormField, type FormOption } from '../api/forms';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';
import { FieldValue } from '../fields/registry';
import { KanbanMoveDialog, type ClosedMove } from './KanbanMoveDialog';
import { patchRecord } from './patchRecord';
import { restoreRecord } from './restoreRecord';
import { recordTitle, useObjectDef, usePeopleById } from './meta';

const staleAfterDays = 7;

// Where the pointer is now. @dnd-kit measures the columns when a drag starts and its rects go stale
// while the board scrolls under a held card (its auto-scroll at the edge, a phone's swipe): a card
// aimed at a half-visible column then landed in the next one. So the column is found from the live
// pointer and the columns' live rects, and only where the board shows it.
const pointer = { x: Number.NaN, y: Number.NaN };
if (typeof window !== 'undefined') {
  window.addEventListener(
    'pointermove',
    (e) => {
      pointer.x = e.clientX;
      pointer.y = e.clientY;
    },
    { capture: true, passive: true },
  );
}

const inside = (r: DOMRect) =>
  pointer.x >= r.left && pointer.x <= r.right && pointer.y >= r.top && pointer.y <= r.bottom;

/** The value of the column under the pointer, as the board shows it now; null over none. */
function columnUnderPointer(): string | null {
  const board = document.querySelector('[data-testid="kanban-board"]');
  if (!board || !inside(board.getBoundingClientRect())) return null;
  for (const el of board.querySelectorAll<HTMLElement>('[data-column]')) {
    if (inside(el.getBoundingClientRect())) return el.dataset.column ?? null;
  }
  return null;
}

// A card lands in the column under the pointer (a wide card overlaps two columns); the keyboard,
// which has no pointer, falls back to the largest overlap.
const collision: CollisionDetection = (args) => {
  if (!args.pointerCoordinates) return rectIntersection(args);
  const under = columnUnderPointer();
  const c = args.droppableContainers.find((x) => x.id === under);
  return c ? [{ id: c.id, data: { droppableContainer: c } }] : [];
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
      <Typography.Text strong className="crm-ellipsis" style={{ display: 'block' }}>
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
      data-column={option.value}
      data-closed={option.closed ? true : undefined}
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

/**
 * Records as cards in columns of a picklist; dropping a card in another column saves the value. A
 * closed column (won, lost) asks first, with the fields that stage requires; every move can be
 * undone from its message.
 */
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

  // The board opens on its first column that has cards: on a phone one column fills the screen,
  // and an empty first stage showed nothing until swiped. Once per object and grouping field.
  const boardRef = useRef<HTMLDivElement>(null);
  const opened = useRef('');
  const firstFull = field?.options?.find((o) => items.some((r) => r[field.name] === o.value))?.value;
  useEffect(() => {
    const board = boardRef.current;
    const at = `${object}/${field?.name ?? ''}`;
    if (!board || !list.data || !firstFull || opened.current === at) return;
    opened.current = at;
    const col = board.querySelector<HTMLElement>(`[data-column="${CSS.escape(firstFull)}"]`);
    if (!col) return;
    const b = board.getBoundingClientRect();
    const c = col.getBoundingClientRect();
    if (c.left < b.left || c.right > b.right) board.scrollLeft += c.left - b.left;
  }, [object, field?.name, list.data, firstFull]);

  // A drop into a closed column waits for the user's confirmation (and what that stage needs).
  const [confirming, setConfirming] = useState<{ rec: RecordData; to: FormOption } | null>(null);

  const place = (id: string, to: string | null) =>
    setMoving((m) => {
      if (to !== null) return { ...m, [id]: to };
      const { [id]: _, ...rest } = m;
      void _;
      return rest;
    });
  const stored = (saved: RecordData) => {
    queryClient.setQueryData(key, (old: typeof list.data) =>
      old ? { ...old, items: old.items.map((r) => (r.id === saved.id ? saved : r)) } : old,
    );
    void queryClient.invalidateQueries({ queryKey: ['record', object, saved.id] });
    // A stage change may start automations that save the record again (last activity): the
    // board picks up their version shortly after, so the next drag of this card is not refused.
    setTimeout(() => void queryClient.invalidateQueries({ queryKey: key }), 1500);
  };
  const labelOf = (v: unknown) => field?.options?.find((o) => o.value === v)?.label ?? textOf(v ?? '');
  // Fields no one enters: an automation may change them after a move without it counting as a
  // change by someone else (see restoreRecord).
  const computed = new Set(
    (form.data?.fields ?? [])
      .filter((f) => f.read_only || f.type === 'formula' || f.type === 'autonumber')
      .map((f) => f.name),
  );

  // Every move can be undone from its message: the value before, and the fields the move filled
  // back to what they were, in one PATCH.
  const announce = (before: RecordData, saved: RecordData, filled: string[]) => {
    if (!field) return;
    const title = recordTitle(def, before);
    const msgKey = `kanban-moved-${saved.id}`;
    const restore: Record<string, unknown> = { [field.name]: before[field.name] ?? null };
    for (const n of filled) restore[n] = before[n] ?? null;
    const undo = () => {
      message.destroy(msgKey);
      place(saved.id, textOf(before[field.name] ?? ''));
      restoreRecord(object, saved, restore, computed)
        .then((back) => {
          stored(back);
          message.success(t('app.kanban.undone', { title, to: labelOf(before[field.name]) }));
        })
        .catch((err: unknown) => {
          message.error(t('app.kanban.undoFailed', { reason: errorText(err, t) }));
          void list.refetch();
        })
        .finally(() => place(saved.id, null));
    };
    message.open({
      key: msgKey,
      type: 'success',
      duration: 8,
      content: (
        <span data-testid="kanban-moved">
          <span>{t('app.kanban.moved', { title, to: labelOf(saved[field.name]) })}</span>
          <Button type="link" size="small" onClick={undo} style={{ paddingInline: 6 }}>
            {t('app.kanban.undo')}
          </Button>
        </span>
      ),
    });
  };

  const onDragEnd = (e: DragEndEvent) => {
    // A pointer drop goes where the pointer is now: the board may have scrolled since the last move.
    const to = e.activatorEvent instanceof KeyboardEvent ? e.over && String(e.over.id) : columnUnderPointer();
    if (!field || !to) return;
    const id = String(e.active.id);
    const rec = items.find((r) => r.id === id);
    if (!rec || rec[field.name] === to) return;
    const option = field.options?.find((o) => o.value === to);
    if (option?.closed) {
      setConfirming({ rec, to: option });
      return;
    }
    place(id, to);
    patchRecord(object, rec, { [field.name]: to })
      .then((saved) => {
        stored(saved);
        announce(rec, saved, []);
      })
      .catch((err: unknown) => {
        // The card goes back where the server still has it, and the reason is told.
        message.error(t('app.kanban.moveFailed', { reason: errorText(err, t) }));
        void list.refetch();
      })
      .finally(() => place(id, null));
  };

  const onConfirmed = ({ saved, filled }: ClosedMove) => {
    const rec = confirming!.rec;
    setConfirming(null);
    stored(saved);
    announce(rec, saved, filled);
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
            <div
              ref={boardRef}
              style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 8 }}
              data-testid="kanban-board"
            >
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
      {field && form.data && confirming && (
        <KanbanMoveDialog
          object={object}
          form={form.data}
          field={field}
          record={confirming.rec}
          to={confirming.to}
          title={recordTitle(def, confirming.rec)}
          onCancel={() => setConfirming(null)}
          onMoved={onConfirmed}
        />
      )}
    </>
  );
}
