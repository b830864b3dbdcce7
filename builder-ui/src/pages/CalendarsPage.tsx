import { CalendarOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Spin } from 'antd';
import { useRef, useState } from 'react';
import { useCalendars, type Calendar } from '../api/calendars';
import { CalendarCard } from '../calendars/CalendarCard';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';

const officeHours = [{ start: '09:00', end: '18:00' }];

/** /calendars: the business calendars SLA policies count time in. */
export default function CalendarsPage() {
  const { t } = useI18n();
  const list = useCalendars();
  const [drafts, setDrafts] = useState<{ key: string; c: Calendar }[]>([]);
  const seq = useRef(0);
  const add = () =>
    setDrafts([
      ...drafts,
      {
        key: `c${seq.current++}`,
        c: {
          name: `calendar_${(list.data?.length ?? 0) + drafts.length + 1}`,
          time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
          hours: { mon: officeHours, tue: officeHours, wed: officeHours, thu: officeHours, fri: officeHours },
        },
      },
    ]);
  return (
    <>
      <PageHeader
        title={t('cal.title')}
        subtitle={t('cal.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={add}>
            {t('cal.new')}
          </Button>
        }
      />
      {list.isPending && <Spin />}
      {list.isError && <Alert type="error" showIcon message={errorText(list.error, t)} />}
      {list.data && list.data.length === 0 && drafts.length === 0 && (
        <Empty image={<CalendarOutlined className="crm-empty-icon" />} description={t('cal.empty')} />
      )}
      <div className="crm-rules">
        {(list.data ?? []).map((c) => (
          <CalendarCard key={`${c.name}@${c.version}`} initial={c} />
        ))}
        {drafts.map((d) => (
          <CalendarCard
            key={d.key}
            initial={d.c}
            onDone={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
          />
        ))}
      </div>
    </>
  );
}
