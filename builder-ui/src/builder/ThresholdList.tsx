import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Input, InputNumber, Select, Typography } from 'antd';
import type { Action } from '../api/automations';
import type { Problem } from '../api/client';
import type { SLAThreshold } from '../api/sla';
import { useI18n } from '../i18n/context';
import { ActionEditor } from './ActionEditor';
import { PropItem } from './PropItem';

interface Props {
  kind: 'warnings' | 'escalations';
  policy: string;
  metrics: string[];
  items: SLAThreshold[];
  problems: Problem[];
  onChange: (items: SLAThreshold[]) => void;
}

/** Warnings (at a share of the target) or escalation levels (after the breach), with their actions. */
export function ThresholdList({ kind, policy, metrics, items, problems, onChange }: Props) {
  const { t } = useI18n();
  const set = (i: number, x: SLAThreshold) => onChange(items.map((y, j) => (j === i ? x : y)));
  return (
    <div className="crm-gap" data-testid={`sla-${kind}`}>
      <Typography.Text strong className="crm-panel-title">
        {t(`sla.${kind}`)}
      </Typography.Text>
      {items.map((x, i) => {
        const base = `/${kind}/${i}`;
        const mine = problems.filter((p) => p.pointer.startsWith(base + '/') || p.pointer === base);
        const at = (k: string) => mine.filter((p) => p.pointer === `${base}/${k}`).map((p) => ({ ...p, setting: k }));
        const id = (k: string) => `sla-${policy}-${kind}-${i}-${k}`;
        return (
          <div key={i} className="crm-action" data-testid={`${kind}-${i}`}>
            <Flex gap={12} wrap align="end">
              <PropItem label={t('sla.metric')} problems={at('metric')} htmlFor={id('metric')}>
                <Select
                  id={id('metric')}
                  allowClear
                  style={{ minWidth: 160 }}
                  placeholder={t('sla.everyMetric')}
                  value={x.metric || undefined}
                  onChange={(metric?: string) => set(i, { ...x, metric })}
                  options={metrics.map((m) => ({ value: m, label: m }))}
                />
              </PropItem>
              {kind === 'warnings' ? (
                <PropItem label={t('sla.percent')} problems={at('percent')} htmlFor={id('percent')}>
                  <InputNumber
                    id={id('percent')}
                    min={1}
                    max={99}
                    addonAfter="%"
                    value={x.percent}
                    onChange={(v) => set(i, { ...x, percent: v ?? undefined })}
                  />
                </PropItem>
              ) : (
                <PropItem label={t('sla.after')} problems={at('after')} htmlFor={id('after')}>
                  <Input
                    id={id('after')}
                    className="crm-mono"
                    style={{ width: 120 }}
                    value={x.after ?? ''}
                    onChange={(e) => set(i, { ...x, after: e.target.value })}
                  />
                </PropItem>
              )}
              <Button
                type="text"
                size="small"
                icon={<DeleteOutlined />}
                aria-label={t(`sla.remove.${kind}`, { n: i + 1 })}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              />
            </Flex>
            {x.actions.map((a, k) => (
              <ActionEditor
                key={k}
                index={k}
                automation={`${policy}-${kind}-${i}`}
                action={a}
                problems={mine.map((p) => ({ ...p, pointer: p.pointer.slice(base.length) }))}
                onChange={(next: Action) => set(i, { ...x, actions: x.actions.map((y, j) => (j === k ? next : y)) })}
                onRemove={() => set(i, { ...x, actions: x.actions.filter((_, j) => j !== k) })}
              />
            ))}
            <Flex gap={8} wrap>
              {(['notify', 'assign', 'update'] as const).map((type) => (
                <Button
                  key={type}
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() =>
                    set(i, {
                      ...x,
                      actions: [
                        ...x.actions,
                        type === 'notify'
                          ? { type, to: { owner: true }, title: {} }
                          : type === 'assign'
                            ? { type }
                            : { type, values: {} },
                      ],
                    })
                  }
                >
                  {t(`auto.action.${type}`)}
                </Button>
              ))}
            </Flex>
          </div>
        );
      })}
      <div>
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() =>
            onChange([...items, kind === 'warnings' ? { percent: 75, actions: [] } : { after: '0m', actions: [] }])
          }
        >
          {t(`sla.add.${kind}`)}
        </Button>
      </div>
    </div>
  );
}
