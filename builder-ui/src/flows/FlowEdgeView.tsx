import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { Tooltip } from 'antd';
import { useI18n } from '../i18n/context';
import { useFlowActions } from './flowContext';
import type { FlowEdge } from './flowModel';

/** An edge with its condition (or "otherwise" for the default) as a label; red when a save refused it. */
export function FlowEdgeView(props: EdgeProps<FlowEdge>) {
  const { t } = useI18n();
  const { selectEdge } = useFlowActions();
  const { id, data, selected, markerEnd } = props;
  const [path, x, y] = getSmoothStepPath({ ...props, borderRadius: 10 });
  const bad = (data?.problems.length ?? 0) > 0;
  const text = data?.def.default ? t('flows.edge.otherwise') : data?.def.condition?.trim();
  const color = bad ? '#cf1322' : selected ? '#1677ff' : '#8c8c8c';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={{ stroke: color, strokeWidth: bad || selected ? 2.5 : 1.5 }}
      />
      {(text || bad) && (
        <EdgeLabelRenderer>
          <Tooltip title={bad ? data?.problems.join('\n') : undefined} color="#cf1322">
            <div
              className={`crm-flow-edge-label nodrag nopan${bad ? ' has-problems' : ''}${selected ? ' is-selected' : ''}`}
              style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
              data-testid={`flow-edge-${id}`}
              aria-invalid={bad || undefined}
              onClick={() => selectEdge(id)}
            >
              {text || '!'}
            </div>
          </Tooltip>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
