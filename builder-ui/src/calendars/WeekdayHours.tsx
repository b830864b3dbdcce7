import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Input, Typography } from 'antd';
import type { Interval } from '../api/calendars';
import type { Problem } from '../api/client';
import { useI18n } from '../i18n/context';

interface Props {
  day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
  intervals: Interval[];
  problems: Problem[];
  onChange: (iv: Interval[]) => void;
}

/** A weekday's working intervals ("HH:MM" to "HH:MM"; an end before the start runs overnight). */
export function WeekdayHours({ day, intervals, problems, onChange }: Props) {
  const { t } = useI18n();
  const name = t(`cal.day.${day}`);
  const set = (i: number, patch: Partial<Interval>) =>
    onChange(intervals.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <div className="crm-day" data-testid={`day-${day}`}>
      <Checkbox
        checked={intervals.length > 0}
        onChange={(e) => onChange(e.target.checked ? [{ start: '09:00', end: '18:00' }] : [])}
        className="crm-day-name"
      >
        {name}
      </Checkbox>
      <div className="crm-day-intervals">
        {intervals.length === 0 && <Typography.Text type="secondary">{t('cal.closed')}</Typography.Text>}
        {intervals.map((iv, i) => (
          <span key={i} className="crm-interval">
            <Input
              type="time"
              size="small"
              aria-label={t('cal.start', { day: name, n: i + 1 })}
              value={iv.start}
              onChange={(e) => set(i, { start: e.target.value })}
            />
            –
            <Input
              type="time"
              size="small"
              aria-label={t('cal.end', { day: name, n: i + 1 })}
              value={iv.end === '24:00' ? '23:59' : iv.end}
              onChange={(e) => set(i, { end: e.target.value })}
            />
            <Button
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              aria-label={t('cal.removeInterval', { day: name, n: i + 1 })}
              onClick={() => onChange(intervals.filter((_, j) => j !== i))}
            />
          </span>
        ))}
        {intervals.length > 0 && (
          <Button
            type="link"
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange([...intervals, { start: '13:00', end: '17:00' }])}
          >
            {t('cal.addInterval')}
          </Button>
        )}
        {problems.map((p) => (
          <Typography.Text key={p.pointer + p.code} type="danger" className="crm-day-problem">
            {p.message}
          </Typography.Text>
        ))}
      </div>
    </div>
  );
}
