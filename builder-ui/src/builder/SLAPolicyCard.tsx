import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, InputNumber, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useCalendars } from '../api/calendars';
import { ApiError } from '../api/client';
import { saveSLAPolicy, slaKey, type SLAMetric, type SLAPolicy } from '../api/sla';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { ExpressionEditor } from './ExpressionEditor';
import { MetricEditor } from './MetricEditor';
import { PropItem } from './PropItem';
import { ThresholdList } from './ThresholdList';
import { SaveRefusal } from './SaveRefusal';

/** One SLA policy: when it applies, its calendar, the promised times, warnings and escalations. */
export function SLAPolicyCard({ initial, onDone }: { initial: SLAPolicy; onDone?: () => void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const calendars = useCalendars();
  const [p, setP] = useState(initial);
  const isNew = !initial.version;
  const save = useMutation({
    mutationFn: () => saveSLAPolicy(p),
    onSuccess: async (s) => {
      message.success(t('auto.saved', { name: s.name, version: s.version ?? 0 }));
      await queryClient.invalidateQueries({ queryKey: slaKey(p.object) });
      onDone?.();
    },
  });
  const problems = save.error instanceof ApiError ? save.error.problems : [];
  const at = (ptr: string) => problems.filter((x) => x.pointer === ptr).map((x) => ({ ...x, setting: ptr }));
  const under = (ptr: string) => problems.filter((x) => x.pointer.startsWith(ptr + '/'));
  const id = (k: string) => `sla-${p.name}-${k}`;
  const setMetric = (i: number, m: SLAMetric) => setP({ ...p, metrics: p.metrics.map((x, j) => (j === i ? m : x)) });
  return (
    <Card
      size="small"
      className="crm-rule"
      data-testid={`sla-${isNew ? 'new' : p.name}`}
      title={p.name}
      extra={
        <Flex gap={8} align="center">
          <Switch
            size="small"
            checked={!p.disabled}
            onChange={(on) => setP({ ...p, disabled: !on })}
            aria-label={t('auto.enabled')}
          />
          {isNew && (
            <Button
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              aria-label={t('auto.discard')}
              onClick={onDone}
            />
          )}
        </Flex>
      }
    >
      {save.isError && <SaveRefusal error={save.error} testId="sla-error" />}
      <Form layout="vertical" component="div">
        <div className="crm-props-row">
          <PropItem label={t('auto.name')} problems={at('/name')} htmlFor={id('name')}>
            <Input
              id={id('name')}
              value={p.name}
              disabled={!isNew}
              onChange={(e) => setP({ ...p, name: e.target.value })}
            />
          </PropItem>
          <PropItem label={t('sla.order')} problems={at('/order')} htmlFor={id('order')}>
            <InputNumber
              id={id('order')}
              min={0}
              precision={0}
              value={p.order ?? 0}
              onChange={(v) => setP({ ...p, order: v ?? 0 })}
            />
          </PropItem>
          <PropItem label={t('sla.calendar')} problems={at('/calendar')} htmlFor={id('calendar')}>
            <Select
              id={id('calendar')}
              allowClear
              placeholder={t('sla.aroundTheClock')}
              value={p.calendar || undefined}
              onChange={(calendar?: string) => setP({ ...p, calendar })}
              options={(calendars.data ?? []).map((c) => ({
                value: c.name,
                label: pickLabel(c.label, locale, c.name),
              }))}
            />
          </PropItem>
        </div>
        <PropItem label={t('sla.appliesWhen')} htmlFor={id('applies')}>
          <ExpressionEditor
            id={id('applies')}
            testId={`sla-${p.name}-applies`}
            value={p.applies_when ?? ''}
            onChange={(v) => setP({ ...p, applies_when: v || undefined })}
            kind="condition"
            problems={at('/applies_when')}
            placeholder={t('sla.everyRecord')}
          />
        </PropItem>
        <Typography.Text strong className="crm-panel-title">
          {t('sla.metrics')}
        </Typography.Text>
        {p.metrics.map((m, i) => (
          <MetricEditor
            key={i}
            policy={p.name}
            index={i}
            metric={m}
            problems={under(`/metrics/${i}`).concat(at(`/metrics/${i}`))}
            onChange={(next) => setMetric(i, next)}
            onRemove={
              p.metrics.length > 1 ? () => setP({ ...p, metrics: p.metrics.filter((_, j) => j !== i) }) : undefined
            }
          />
        ))}
        <Button
          size="small"
          icon={<PlusOutlined />}
          className="crm-gap"
          onClick={() =>
            setP({
              ...p,
              metrics: [...p.metrics, { name: `metric_${p.metrics.length + 1}`, target: '4h', stop_when: '' }],
            })
          }
        >
          {t('sla.addMetric')}
        </Button>
        <ThresholdList
          kind="warnings"
          policy={p.name}
          metrics={p.metrics.map((m) => m.name)}
          items={p.warnings ?? []}
          problems={under('/warnings')}
          onChange={(warnings) => setP({ ...p, warnings: warnings.length ? warnings : undefined })}
        />
        <ThresholdList
          kind="escalations"
          policy={p.name}
          metrics={p.metrics.map((m) => m.name)}
          items={p.escalations ?? []}
          problems={under('/escalations')}
          onChange={(escalations) => setP({ ...p, escalations: escalations.length ? escalations : undefined })}
        />
      </Form>
      <Flex justify="end">
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('sla.save')}
        </Button>
      </Flex>
    </Card>
  );
}
