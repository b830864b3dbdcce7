import { PlusOutlined } from '@ant-design/icons';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, useNodes, type EdgeProps } from '@xyflow/react';
import { Button, Dropdown, Tooltip } from 'antd';
import type { NodeKind } from '../api/approvalProcesses';
import { useI18n } from '../i18n/context';
import { useFlowActions } from './flowContext';
import type { FlowEdge, FlowNode } from './flowModel';
import { kindLook } from './kinds';
import { cardH, cardW } from './layout';
import { pathThrough, routeAround } from './route';

/** The kinds "+" puts between two steps; the ends close a branch and are drawn from the palette. */
const insertKinds: NodeKind[] = ['approval', 'condition', 'action'];

/**
 * An edge with its condition (or "otherwise" for the default) as a label, and a "+" to put a step
 * on it. A way out of a condition with neither says so, since the server will ask for one; red when
 * a save refused it.
 */
export function FlowEdgeView(props: EdgeProps<FlowEdge>) {
  const { t } = useI18n();
  const { selectEdge, insertOn, kindOf, readOnly } = useFlowActions();
  const { id, data, selected, markerEnd, source, target, sourceX, sourceY, targetX, targetY } = props;
  const nodes = useNodes<FlowNode>();
  const others = nodes
    .filter((n) => n.id !== source && n.id !== target)
    .map((n) => ({ x: n.position.x, y: n.position.y, w: n.measured?.width ?? cardW, h: n.measured?.height ?? cardH }));
  const around = routeAround({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, others);
  const routed = around && pathThrough(around);
  const [stepPath, stepX, stepY] = getSmoothStepPath({ ...props, borderRadius: 10 });
  const [path, x, y] = routed ? [routed.d, routed.label.x, routed.label.y] : [stepPath, stepX, stepY];
  const side = !routed || x === sourceX ? 'center' : x > sourceX ? 'right' : 'left';
  const anchor = { center: '-50%', right: '-11px', left: 'calc(-100% + 11px)' }[side];
  const align = { center: 'center', right: 'flex-start', left: 'flex-end' }[side];
  const bad = (data?.problems.length ?? 0) > 0;
  const unset = kindOf(source) === 'condition' && !data?.def.default && !data?.def.condition?.trim();
  const text = data?.def.default
    ? t('flows.edge.otherwise')
    : unset
      ? t('flows.edge.needsCondition')
      : data?.def.condition?.trim();
  const color = bad ? '#cf1322' : selected ? '#1677ff' : '#8c8c8c';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        style={{ stroke: color, strokeWidth: bad || selected ? 2.5 : 1.5 }}
      />
      <EdgeLabelRenderer>
        <div
          className="crm-flow-edge-tools nodrag nopan"
          // On a lane beside the cards, the label reaches away from them, not over them.
          style={{ transform: `translate(${anchor}, -50%) translate(${x}px, ${y}px)`, alignItems: align }}
        >
          {(text || bad) && (
            <Tooltip title={bad ? data?.problems.join('\n') : undefined} color="#cf1322">
              <div
                className={`crm-flow-edge-label${bad ? ' has-problems' : ''}${selected ? ' is-selected' : ''}${unset ? ' needs-condition' : ''}`}
                data-testid={`flow-edge-${id}`}
                aria-invalid={bad || undefined}
                onClick={() => selectEdge(id)}
              >
                {text || '!'}
              </div>
            </Tooltip>
          )}
          {!readOnly && (
            <Dropdown
              trigger={['click']}
              menu={{
                items: insertKinds.map((kind) => ({
                  key: kind,
                  icon: <span style={{ color: kindLook[kind].color }}>{kindLook[kind].icon}</span>,
                  label: t(kindLook[kind].name),
                })),
                onClick: ({ key }) => insertOn(id, key as NodeKind),
              }}
            >
              <Button
                className="crm-flow-insert"
                size="small"
                shape="circle"
                icon={<PlusOutlined />}
                aria-label={t('flows.edge.insert')}
                title={t('flows.edge.insert')}
                data-testid={`flow-insert-${id}`}
              />
            </Dropdown>
          )}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
