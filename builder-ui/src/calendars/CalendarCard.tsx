import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Flex, Form, Input, Select, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { calendarsKey, saveCalendar, type Calendar } from '../api/calendars';
import { ApiError } from '../api/client';
import { LabelInputs } from '../builder/LabelInputs';
import { PropItem } from '../builder/PropItem';
import { useI18n } from '../i18n/context';
import { WeekdayHours } from './WeekdayHours';
import { SaveRefusal } from '../builder/SaveRefusal';

const week = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** One business calendar: time zone, weekly working hours, holidays; saved with If-Match. */
export function CalendarCard({ initial, onDone }: { initial: Calendar; onDone?: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [c, setC] = useState(initial);
  const isNew = !initial.version;
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);
  const save = useMutation({
    mutationFn: () => saveCalendar(c),
    onSuccess: async (s) => {
      message.success(t('cal.saved', { name: s.name, version: s.version ?? 0 }));
      await queryClient.invalidateQueries({ queryKey: calendarsKey });
      onDone?.();
    },
  });
  const problems = save.error instanceof ApiError ? save.error.problems : [];
  const placed = (prefix: string) =>
    problems
      .filter((p) => p.pointer === prefix || p.pointer.startsWith(prefix + '/'))
      .map((p) => ({ ...p, setting: '' }));
  const id = (k: string) => `cal-${c.name}-${k}`;
  return (
    <Card
      size="small"
      className="crm-rule"
      data-testid={`calendar-${isNew ? 'new' : c.name}`}
      title={c.name}
      extra={
        isNew && (
          <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('auto.discard')} onClick={onDone} />
        )
      }
    >
      {save.isError && <SaveRefusal error={save.error} testId="calendar-error" />}
      <Form layout="vertical" component="div">
        <div className="crm-props-row">
          <PropItem label={t('cal.name')} problems={placed('/name')} htmlFor={id('name')}>
            <Input
              id={id('name')}
              value={c.name}
              disabled={!isNew}
              onChange={(e) => setC({ ...c, name: e.target.value })}
            />
          </PropItem>
          <PropItem label={t('cal.timeZone')} problems={placed('/time_zone')} htmlFor={id('tz')}>
            <Select
              id={id('tz')}
              showSearch
              value={c.time_zone}
              onChange={(time_zone: string) => setC({ ...c, time_zone })}
              options={zones}
            />
          </PropItem>
        </div>
        <LabelInputs what="label" value={c.label} onChange={(label) => setC({ ...c, label })} />
        <Typography.Text strong className="crm-panel-title">
          {t('cal.hours')}
        </Typography.Text>
        {placed('/hours')
          .filter((p) => p.pointer === '/hours')
          .map((p) => (
            <Typography.Paragraph key={p.code} type="danger">
              {p.message}
            </Typography.Paragraph>
          ))}
        <div className="crm-week" data-testid="week">
          {week.map((day) => (
            <WeekdayHours
              key={day}
              day={day}
              intervals={c.hours[day] ?? []}
              problems={placed(`/hours/${day}`)}
              onChange={(iv) => {
                const hours = { ...c.hours };
                if (iv.length) hours[day] = iv;
                else delete hours[day];
                setC({ ...c, hours });
              }}
            />
          ))}
        </div>
        <PropItem label={t('cal.holidays')} problems={placed('/holidays')}>
          <Flex gap={6} wrap align="center">
            {(c.holidays ?? []).map((d) => (
              <Tag key={d} closable onClose={() => setC({ ...c, holidays: (c.holidays ?? []).filter((x) => x !== d) })}>
                {d}
              </Tag>
            ))}
            <DatePicker
              size="small"
              aria-label={t('cal.addHoliday')}
              placeholder={t('cal.addHoliday')}
              value={null}
              onChange={(d: Dayjs | null) => {
                if (!d) return;
                const day = d.format('YYYY-MM-DD');
                setC({ ...c, holidays: [...new Set([...(c.holidays ?? []), day])].sort() });
              }}
            />
          </Flex>
        </PropItem>
      </Form>
      <Flex justify="end">
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('cal.save')}
        </Button>
      </Flex>
    </Card>
  );
}
