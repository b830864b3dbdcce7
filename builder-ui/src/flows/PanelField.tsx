import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** A titled block of the side panel. */
export function PanelField({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <div className="crm-panel-field">
      <div className="crm-panel-field-head">
        <Typography.Text strong>{title}</Typography.Text>
        {extra}
      </div>
      {children}
    </div>
  );
}
