import { Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import type { FormField } from '../api/forms';
import { useHistory, type HistoryEntry } from '../api/work';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { FieldValue } from '../fields/registry';

const systemFields = new Set([
  'id',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'sla',
  'sla_status',
  'sla_due_at',
]);

/** Who changed what and when, newest first, values shown as the form shows them. */
export function HistoryTimeline({
  object,
  id,
  fields,
  people,
}: {
  object: string;
  id: string;
  fields: FormField[];
  people: Record<string, string>;
}) {
  const history = useHistory(object, id);
  const items = history.data ?? [];
  if (!history.isPending && items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      style={{ marginTop: 8 }}
      items={items.map((h) => ({
        color: h.action === 'record_created' ? 'green' : 'blue',
        children: <HistoryChange entry={h} fields={fields} people={people} />,
      }))}
    />
  );
}

/** One audit entry: what was done, by whom and when, and the fields it changed (old → new). */
export function HistoryChange({
  entry: h,
  fields,
  people,
}: {
  entry: HistoryEntry;
  fields: FormField[];
  people: Record<string, string>;
}) {
  const { t } = useI18n();
  const changes = Object.entries(h.changes ?? {}).filter(([k]) => !systemFields.has(k));
  return (
    <div>
      <Typography.Text strong>{t(`app.history.${h.action}` as MessageKey) || h.action}</Typography.Text>{' '}
      <Typography.Text type="secondary">
        {people[h.actor] ?? (h.actor === 'system' ? t('app.history.system') : h.actor)} · {dayjs(h.at).format('lll')}
      </Typography.Text>
      {h.action === 'email_sent' && (
        <div style={{ fontSize: 13 }} data-testid="history-email">
          {t('email.history.to', { to: h.email ?? '' })} · {(h.changes?.email_subject?.new as string | undefined) ?? ''}
        </div>
      )}
      {h.action !== 'record_created' &&
        h.action !== 'email_sent' &&
        changes.slice(0, 8).map(([k, c]) => {
          const f = fields.find((x) => x.name === k) ?? {
            name: k,
            type: 'text',
            label: k === 'owner' ? t('app.field.owner') : k,
          };
          return (
            <div key={k} style={{ fontSize: 13 }}>
              {f.label}:{' '}
              <FieldValue field={f.name === 'owner' ? { ...f, type: 'user' } : f} value={c.old} people={people} /> →{' '}
              <FieldValue field={f.name === 'owner' ? { ...f, type: 'user' } : f} value={c.new} people={people} />
            </div>
          );
        })}
    </div>
  );
}
