import { Button, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { NodeKind } from '../api/approvalProcesses';
import { useI18n } from '../i18n/context';
import { paletteKinds } from './flowModel';
import { kindLook } from './kinds';

/** MIME type of a palette item while it is dragged onto the canvas. */
export const paletteMime = 'application/x-crm-flow-node';

/** The kinds of step one drags onto the canvas (or clicks, to add one in its middle). */
export function FlowPalette({
  onAdd,
  hasRejected,
  extra,
}: {
  onAdd: (kind: NodeKind) => void;
  hasRejected: boolean;
  /** The editor's own tools, at the row's end. */
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="crm-flow-palette" role="toolbar" aria-label={t('flows.palette')}>
      <Typography.Text type="secondary" className="crm-flow-palette-title">
        {t('flows.palette')}
      </Typography.Text>
      {paletteKinds.map((kind) => {
        const look = kindLook[kind];
        // Every rejection ends at the one rejected node.
        const disabled = kind === 'rejected' && hasRejected;
        return (
          <Tooltip key={kind} title={t(look.hint)} placement="bottom">
            <Button
              className="crm-flow-palette-item"
              icon={<span style={{ color: look.color }}>{look.icon}</span>}
              draggable={!disabled}
              disabled={disabled}
              data-kind={kind}
              onDragStart={(e) => {
                e.dataTransfer.setData(paletteMime, kind);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => onAdd(kind)}
            >
              {t(look.name)}
            </Button>
          </Tooltip>
        );
      })}
      {extra && <div className="crm-flow-tools">{extra}</div>}
    </div>
  );
}
