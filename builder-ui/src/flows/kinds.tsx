import {
  AuditOutlined,
  BranchesOutlined,
  CheckCircleOutlined,
  CloseCircleOutlined,
  PlayCircleOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { NodeKind } from '../api/approvalProcesses';
import type { MessageKey } from '../i18n/messages';

/** How each kind of node looks: icon, accent colour and its name in the messages. */
export const kindLook: Record<NodeKind, { icon: ReactNode; color: string; name: MessageKey; hint: MessageKey }> = {
  start: { icon: <PlayCircleOutlined />, color: '#1677ff', name: 'flows.kind.start', hint: 'flows.kindHint.start' },
  approval: { icon: <AuditOutlined />, color: '#2f54eb', name: 'flows.kind.approval', hint: 'flows.kindHint.approval' },
  condition: {
    icon: <BranchesOutlined />,
    color: '#d48806',
    name: 'flows.kind.condition',
    hint: 'flows.kindHint.condition',
  },
  action: { icon: <ThunderboltOutlined />, color: '#722ed1', name: 'flows.kind.action', hint: 'flows.kindHint.action' },
  approved: {
    icon: <CheckCircleOutlined />,
    color: '#389e0d',
    name: 'flows.kind.approved',
    hint: 'flows.kindHint.approved',
  },
  rejected: {
    icon: <CloseCircleOutlined />,
    color: '#cf1322',
    name: 'flows.kind.rejected',
    hint: 'flows.kindHint.rejected',
  },
};
