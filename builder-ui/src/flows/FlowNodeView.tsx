import { ExclamationCircleFilled } from '@ant-design/icons';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Tooltip } from 'antd';
import type { FlowNodeDef } from '../api/approvalProcesses';
import { useI18n, type I18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { hasIn, hasOut, type FlowNode } from './flowModel';
import { kindLook } from './kinds';

/** One line under the node's title saying what it does. */
function summary(d: FlowNodeDef, t: I18n['t']): string {
  switch (d.kind) {
    case 'approval': {
      const who =
        (d.approvers ?? []).map((a) => t(`flows.approverType.${a.type}`)).join(', ') || t('flows.noApprovers');
      const mode =
        d.mode === 'threshold'
          ? t('flows.mode.thresholdN', { n: d.threshold ?? 0 })
          : t(`flows.mode.${d.mode ?? 'any'}`);
      return `${who} · ${mode}${d.timeout ? ` · ${d.timeout}` : ''}`;
    }
    case 'action':
    case 'approved':
    case 'rejected': {
      const n = Object.keys(d.updates ?? {}).length;
      if (n) return t('flows.updatesCount', { count: n });
      return d.kind === 'action' ? t('flows.kind.action') : t('flows.end');
    }
    default:
      return t(kindLook[d.kind].name);
  }
}

/** A step on the canvas: its kind's colour and icon, its label, and red with the reasons when a save refused it. */
export function FlowNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const { t, locale } = useI18n();
  const d = data.def;
  const look = kindLook[d.kind];
  const bad = data.problems.length > 0;
  const card = (
    <div
      className={`crm-flow-node${selected ? ' is-selected' : ''}${bad ? ' has-problems' : ''}`}
      style={{ ['--kind-color' as string]: look.color }}
      data-testid={`flow-node-${id}`}
      data-kind={d.kind}
      aria-invalid={bad || undefined}
    >
      {hasIn(d.kind) && <Handle type="target" position={Position.Top} />}
      <span className="crm-flow-node-icon">{look.icon}</span>
      <span className="crm-flow-node-text">
        <span className="crm-flow-node-title">{pickLabel(d.label, locale, id)}</span>
        <span className="crm-flow-node-sub">{summary(d, t)}</span>
      </span>
      {bad && <ExclamationCircleFilled className="crm-flow-node-bad" />}
      {hasOut(d.kind) && <Handle type="source" position={Position.Bottom} />}
    </div>
  );
  if (!bad) return card;
  return (
    <Tooltip
      title={
        <ul className="crm-flow-tip">
          {data.problems.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      }
      color="#cf1322"
    >
      {card}
    </Tooltip>
  );
}
