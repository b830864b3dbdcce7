import {
  AuditOutlined,
  CheckSquareOutlined,
  EnvironmentOutlined,
  FileTextOutlined,
  MailOutlined,
  PhoneOutlined,
  ProfileOutlined,
} from '@ant-design/icons';
import { Alert, Button, Empty, Skeleton, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useActivity, type ActivityItem } from '../api/activity';
import type { FormField } from '../api/forms';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { pickLabel, type Locale } from '../i18n/locale';
import { FieldValue } from '../fields/registry';
import { HistoryChange } from './HistoryTimeline';
import { recordTitle } from './meta';

const kindIcons: Record<string, ReactNode> = {
  call: <PhoneOutlined />,
  visit: <EnvironmentOutlined />,
  note: <FileTextOutlined />,
  email: <MailOutlined />,
};

/** A child record on the timeline: its type, name (a link), who and when, its outcome and notes. */
function RecordItem({
  item,
  def,
  people,
}: {
  item: ActivityItem;
  def: ObjectDef | undefined;
  people: Record<string, string>;
}) {
  const { locale } = useI18n();
  const r = item.record!;
  const picklist = (name: string) => {
    const f = def?.fields.find((x) => x.name === name && x.type === 'picklist');
    return f && r[name] ? (
      <FieldValue field={{ ...f, label: '', options: optionsOf(f.options, locale) }} value={r[name]} />
    ) : null;
  };
  const when = typeof r.occurred_at === 'string' ? r.occurred_at : item.at;
  const who = people[String(r.created_by ?? r.owner)] ?? '';
  return (
    <div data-testid="activity-record">
      <div>
        {picklist('kind') ?? <Tag>{pickLabel(def?.label, locale, item.object ?? '')}</Tag>}
        <Link to={`/app/${item.object}/${r.id}`}>
          <Typography.Text strong>{recordTitle(def, r)}</Typography.Text>
        </Link>{' '}
        {picklist('outcome') ?? picklist('status')}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {[who, dayjs(when).format('lll')].filter(Boolean).join(' · ')}
      </Typography.Text>
      {typeof r.notes === 'string' && r.notes && (
        <Typography.Paragraph ellipsis={{ rows: 2, expandable: true, symbol: '…' }} style={{ margin: 0, fontSize: 13 }}>
          {r.notes}
        </Typography.Paragraph>
      )}
    </div>
  );
}

/** Picklist options of a definition as the form gives them (label in the reader's language). */
function optionsOf(options: unknown, locale: Locale) {
  return ((options as { value: string; label?: Record<string, string>; color?: string }[] | undefined) ?? []).map(
    (o) => ({ ...o, label: pickLabel(o.label, locale, o.value) }),
  );
}

/**
 * A record's activity, newest first: follow-ups and other child records its object lists,
 * approvals and field changes, a page at a time (the server checks each item against the reader).
 */
export function ActivityTimeline({
  object,
  id,
  objects,
  fields,
  people,
}: {
  object: string;
  id: string;
  objects: ObjectDef[] | undefined;
  fields: FormField[];
  people: Record<string, string>;
}) {
  const { t } = useI18n();
  const activity = useActivity(object, id);
  if (activity.isPending) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (activity.isError)
    return (
      <Alert type="error" showIcon message={t('app.activity.loadFailed')} description={errorText(activity.error, t)} />
    );
  // What an automation changed on this record because a child was logged (the last contact a
  // follow-up stamps) is written a moment after the child: shown under it, not above it.
  const items: ActivityItem[] = [];
  const effects = new Map<ActivityItem, ActivityItem[]>();
  for (const it of activity.data.pages.flatMap((p) => p.items)) {
    const prev = items[items.length - 1];
    if (
      it.kind === 'record' &&
      prev?.kind === 'change' &&
      prev.change?.actor === 'system' &&
      dayjs(prev.at).diff(dayjs(it.at)) < 5000
    ) {
      items.pop();
      effects.set(it, [...(effects.get(prev) ?? []), prev]);
    }
    items.push(it);
  }
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('app.activity.empty')} />;
  return (
    <div data-testid="activity">
      <Timeline
        style={{ marginTop: 8 }}
        items={items.map((it) => {
          if (it.kind === 'record') {
            const def = objects?.find((o) => o.name === it.object);
            const kind = typeof it.record?.kind === 'string' ? it.record.kind : '';
            return {
              key: `${it.object}:${it.record?.id}`,
              color: 'blue',
              dot: kindIcons[kind] ?? (it.object === 'task' ? <CheckSquareOutlined /> : <ProfileOutlined />),
              children: (
                <>
                  <RecordItem item={it} def={def} people={people} />
                  {(effects.get(it) ?? []).map((e) => (
                    <div key={e.change!.id} data-testid="activity-effect" style={{ fontSize: 12, opacity: 0.75 }}>
                      <HistoryChange entry={e.change!} fields={fields} people={people} />
                    </div>
                  ))}
                </>
              ),
            };
          }
          if (it.kind === 'approval') {
            const a = it.approval!;
            return {
              key: `approval:${a.id}`,
              color: a.status === 'approved' ? 'green' : a.status === 'rejected' ? 'red' : 'orange',
              dot: <AuditOutlined />,
              children: (
                <div data-testid="activity-approval">
                  <Typography.Text strong>
                    {t('app.activity.approval', {
                      status: t(`app.approval.status.${a.status}` as MessageKey) || a.status,
                    })}
                  </Typography.Text>{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[people[a.submitter] ?? '', dayjs(a.submitted_at).format('lll')].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </div>
              ),
            };
          }
          const h = it.change!;
          return {
            key: `change:${h.id}`,
            color: h.action === 'record_created' ? 'green' : 'gray',
            children: (
              <div data-testid="activity-change" style={{ fontSize: 13 }}>
                <HistoryChange entry={h} fields={fields} people={people} />
              </div>
            ),
          };
        })}
      />
      {activity.hasNextPage && (
        <Button block loading={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
          {t('app.activity.more')}
        </Button>
      )}
    </div>
  );
}
