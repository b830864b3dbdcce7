import { DeleteOutlined } from '@ant-design/icons';
import { Button, Input } from 'antd';
import type { Problem } from '../api/client';
import type { SLAMetric } from '../api/sla';
import { useI18n } from '../i18n/context';
import { ExpressionEditor } from './ExpressionEditor';
import { PropItem } from './PropItem';

interface Props {
  policy: string;
  index: number;
  metric: SLAMetric;
  problems: Problem[];
  onChange: (m: SLAMetric) => void;
  onRemove?: () => void;
}

/** One promised time: its target in business time and when its clock starts, stops and pauses. */
export function MetricEditor({ policy, index, metric, problems, onChange, onRemove }: Props) {
  const { t } = useI18n();
  const base = `/metrics/${index}`;
  const at = (k: string) => problems.filter((p) => p.pointer === `${base}/${k}`).map((p) => ({ ...p, setting: k }));
  const id = (k: string) => `sla-${policy}-m${index}-${k}`;
  const expr = (k: 'start_when' | 'stop_when' | 'pause_when', placeholder?: string) => (
    <PropItem label={t(`sla.${k}`)} htmlFor={id(k)}>
      <ExpressionEditor
        id={id(k)}
        testId={id(k)}
        value={metric[k] ?? ''}
        onChange={(v) => onChange({ ...metric, [k]: k === 'stop_when' ? v : v || undefined })}
        kind="condition"
        problems={at(k)}
        placeholder={placeholder}
      />
    </PropItem>
  );
  return (
    <div className="crm-action" data-testid={`metric-${index}`}>
      <div className="crm-props-row">
        <PropItem label={t('sla.metricName')} problems={at('name')} htmlFor={id('name')}>
          <Input id={id('name')} value={metric.name} onChange={(e) => onChange({ ...metric, name: e.target.value })} />
        </PropItem>
        <PropItem label={t('sla.target')} problems={at('target')} htmlFor={id('target')} extra={t('sla.targetHint')}>
          <Input
            id={id('target')}
            className="crm-mono"
            value={metric.target}
            onChange={(e) => onChange({ ...metric, target: e.target.value })}
          />
        </PropItem>
      </div>
      {expr('start_when', t('sla.fromCreation'))}
      {expr('stop_when')}
      {expr('pause_when', t('sla.neverPaused'))}
      {onRemove && (
        <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove}>
          {t('sla.removeMetric')}
        </Button>
      )}
    </div>
  );
}
