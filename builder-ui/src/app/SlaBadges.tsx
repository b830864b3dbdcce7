import { ClockCircleOutlined } from '@ant-design/icons';
import { Space, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import type { RecordSla } from '../api/work';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';

// Green while running, amber at the warning threshold, red once breached; met and paused are calm.
export const slaColours: Record<string, string> = {
  running: 'green',
  pending: 'default',
  warning: 'gold',
  breached: 'red',
  met: 'blue',
  paused: 'default',
};

/** One badge per SLA metric: its state in colour and when it is (or was) due. */
export function SlaBadges({ sla }: { sla: RecordSla }) {
  const { t } = useI18n();
  return (
    <Space wrap size={[4, 4]}>
      {sla.metrics.map((m) => {
        const state = t(`app.sla.${m.status}` as MessageKey);
        const metric = t(`app.sla.metric.${m.metric}` as MessageKey) || m.metric;
        const due = m.due_at ? dayjs(m.due_at) : null;
        return (
          <Tooltip
            key={m.metric}
            title={t('app.sla.used', {
              used: (m.used_ms / 3_600_000).toFixed(1),
              target: (m.target_ms / 3_600_000).toFixed(0),
            })}
          >
            <Tag
              color={slaColours[m.status] ?? 'default'}
              icon={<ClockCircleOutlined />}
              data-testid={`sla-${m.metric}`}
              data-status={m.status}
            >
              {metric}: {state}
              {due && m.status !== 'met' ? ` · ${t('app.sla.due', { at: due.format('lll') })}` : ''}
            </Tag>
          </Tooltip>
        );
      })}
    </Space>
  );
}
