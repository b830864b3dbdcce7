import { Flex, Progress, Tag, Typography } from 'antd';
import type { AggGroup } from '../api/dashboards';
import { useI18n } from '../i18n/context';
import { percent, toNumber } from './widgetData';

type SlaStatus = 'pending' | 'running' | 'paused' | 'warning' | 'breached' | 'met';
const isStatus = (s: string): s is SlaStatus => s in statusColor;

// The colours of the SLA badges: green running, amber warning, red breached.
const statusColor: Record<SlaStatus, string> = {
  running: 'green',
  warning: 'gold',
  breached: 'red',
  met: 'blue',
  paused: 'default',
  pending: 'default',
};

/** The share of measured records not breached, and the records by SLA status. */
export function SlaWidget({ groups, compliance }: { groups: AggGroup[]; compliance?: number }) {
  const { t, locale } = useI18n();
  const measured = groups.filter((g) => g.key.sla_status !== null && g.key.sla_status !== undefined);
  const share = typeof compliance === 'number' ? compliance : undefined;
  const color = share === undefined ? undefined : share >= 0.9 ? '#52c41a' : share >= 0.75 ? '#faad14' : '#cf1322';
  return (
    <Flex gap={24} align="center" wrap justify="center">
      <Progress
        type="dashboard"
        percent={share === undefined ? 0 : Math.round(share * 1000) / 10}
        strokeColor={color}
        format={() => (share === undefined ? '—' : percent(share, locale))}
        size={160}
      />
      <Flex vertical gap={8} style={{ minWidth: 160, flex: 1 }}>
        <Typography.Text type="secondary">{t('dash.slaCompliance')}</Typography.Text>
        {measured.length === 0 && <Typography.Text type="secondary">{t('dash.noSla')}</Typography.Text>}
        {measured.map((g) => {
          const s = String(g.key.sla_status);
          return (
            <Flex key={s} justify="space-between" align="center" data-testid={`sla-${s}`}>
              <Tag color={isStatus(s) ? statusColor[s] : 'default'}>
                {g.labels?.sla_status ?? (isStatus(s) ? t(`dash.sla.${s}`) : s)}
              </Tag>
              <Typography.Text strong>{toNumber(g.count)}</Typography.Text>
            </Flex>
          );
        })}
      </Flex>
    </Flex>
  );
}
