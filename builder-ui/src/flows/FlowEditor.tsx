import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Alert, App as AntApp, Button, Card, Flex, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useNavigate } from 'react-router';
import {
  approvalProcessesKey,
  saveApprovalProcess,
  type ApprovalProcess,
  type FlowNodeDef,
  type NodeKind,
} from '../api/approvalProcesses';
import { ApiError, type Problem } from '../api/client';
import { useObjects } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { en, zhCN } from '../i18n/messages';
import { PageHeader } from '../shell/PageHeader';
import { EdgePanel } from './EdgePanel';
import { FlowActionsContext } from './flowContext';
import { FlowEdgeView } from './FlowEdgeView';
import {
  fromFlow,
  newEdgeId,
  newNodeId,
  placeProblems,
  singleOut,
  snap,
  toFlow,
  toMeta,
  updatedFields,
  type FlowEdge,
  type FlowMeta,
  type FlowNode,
} from './flowModel';
import { FlowNodeView } from './FlowNodeView';
import { FlowPalette, paletteMime } from './FlowPalette';
import { kindLook } from './kinds';
import { NodePanel } from './NodePanel';
import { ProcessPanel } from './ProcessPanel';
import './flows.css';

const nodeTypes = { step: FlowNodeView };
const edgeTypes = { step: FlowEdgeView };
const marker = { type: MarkerType.ArrowClosed, width: 18, height: 18 };
// The node card's size, to centre a dropped node under the pointer.
const nodeW = 180;
const nodeH = 60;

/** A problem of the process's controlled fields (/controlled_fields/2), shown on that setting. */
const isControlledProblem = (p: Problem) => /^\/controlled_fields(\/|$)/.test(p.pointer);

/** A step fresh from the palette, named after its kind in both languages until renamed. */
function newDef(kind: NodeKind, id: string): FlowNodeDef {
  const key = kindLook[kind].name;
  const label = { en: en[key], 'zh-CN': zhCN[key] };
  if (kind === 'approval') return { id, kind, label, approvers: [], mode: 'any' };
  return { id, kind, label };
}

/** The canvas, palette and side panel of one process; state lives here until saved. */
export function FlowEditor({ initial, version: firstVersion }: { initial: ApprovalProcess; version: number }) {
  const { t, locale } = useI18n();
  const { message, modal } = AntApp.useApp();
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const objects = useObjects();
  const start = useMemo(() => toFlow(initial), [initial]);
  const [nodes, setNodes, onNodesChangeBase] = useNodesState<FlowNode>(start.nodes.map((n) => ({ ...n })));
  const [edges, setEdges, onEdgesChangeBase] = useEdgesState<FlowEdge>(
    start.edges.map((e) => ({ ...e, markerEnd: marker })),
  );
  const [meta, setMeta] = useState<FlowMeta>(() => toMeta(initial));
  const [version, setVersion] = useState(firstVersion);
  const [dirty, setDirty] = useState(firstVersion === 0);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [placedGeneral, setPlacedGeneral] = useState<Problem[]>([]);
  const wrapper = useRef<HTMLDivElement>(null);
  const object = objects.data?.find((o) => o.name === meta.object);

  // Leaving with unsaved changes asks first (a reload or a closed tab).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      if (changes.some((c) => c.type !== 'select' && c.type !== 'dimensions')) setDirty(true);
      onNodesChangeBase(changes);
    },
    [onNodesChangeBase],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      if (changes.some((c) => c.type !== 'select')) setDirty(true);
      onEdgesChangeBase(changes);
    },
    [onEdgesChangeBase],
  );

  const kindOf = useCallback((id: string) => nodes.find((n) => n.id === id)?.data.def.kind, [nodes]);

  const addNode = useCallback(
    (kind: NodeKind, at: { x: number; y: number }) => {
      setNodes((ns) => {
        const id = newNodeId(kind, new Set(ns.map((n) => n.id)));
        const node: FlowNode = {
          id,
          type: 'step',
          position: { x: snap(at.x), y: snap(at.y) },
          data: { def: newDef(kind, id), problems: [] },
          selected: true,
        };
        return [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      });
      setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
      setDirty(true);
    },
    [setNodes, setEdges],
  );

  // A click on the palette puts the step in the middle of what the canvas shows, a little apart
  // from the last one so that several clicks do not stack them.
  const addInMiddle = (kind: NodeKind) => {
    const r = wrapper.current!.getBoundingClientRect();
    const p = rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    const shift = (nodes.length % 5) * 20;
    addNode(kind, { x: p.x - nodeW / 2 + shift, y: p.y - nodeH / 2 + shift });
  };

  const onDrop = (e: DragEvent) => {
    const kind = e.dataTransfer.getData(paletteMime) as NodeKind;
    if (!kind) return;
    e.preventDefault();
    const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addNode(kind, { x: p.x - nodeW / 2, y: p.y - nodeH / 2 });
  };

  const onConnect = useCallback(
    (c: Connection) => {
      const fromKind = kindOf(c.source);
      setEdges((es) => {
        // Start, approval and action leave by one edge: a new one replaces it.
        const rest = fromKind && singleOut(fromKind) ? es.filter((e) => e.source !== c.source) : es;
        const id = newEdgeId(c.source, c.target, new Set(rest.map((e) => e.id)));
        // The first way out of a condition is its default ("otherwise") until another is made so.
        const isDefault = fromKind === 'condition' && !rest.some((e) => e.source === c.source && e.data?.def.default);
        const edge: FlowEdge = {
          id,
          type: 'step',
          source: c.source,
          target: c.target,
          markerEnd: marker,
          data: { def: { id, from: c.source, to: c.target, ...(isDefault ? { default: true } : {}) }, problems: [] },
        };
        return [...rest, edge];
      });
      setDirty(true);
    },
    [kindOf, setEdges],
  );

  const isValidConnection = useCallback(
    (c: Connection | FlowEdge) =>
      c.source !== c.target &&
      kindOf(c.target) !== 'start' &&
      !edges.some((e) => e.source === c.source && e.target === c.target),
    [edges, kindOf],
  );

  const selectEdge = useCallback(
    (id: string) => {
      setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
      setEdges((es) => es.map((e) => (e.selected !== (e.id === id) ? { ...e, selected: e.id === id } : e)));
    },
    [setNodes, setEdges],
  );
  /** Nothing selected: the side panel shows the process's own settings. */
  const selectProcess = () => {
    setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
    setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
  };
  const selectNode = (id: string) => {
    setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
    setNodes((ns) => ns.map((n) => (n.selected !== (n.id === id) ? { ...n, selected: n.id === id } : n)));
  };

  const applyProblems = (list: Problem[], nodeIds: string[], edgeIds: string[]) => {
    const placed = placeProblems(list, nodeIds, edgeIds);
    setNodes((ns) => ns.map((n) => ({ ...n, data: { ...n.data, problems: placed.nodes.get(n.id) ?? [] } })));
    setEdges((es) => es.map((e) => ({ ...e, data: { ...e.data!, problems: placed.edges.get(e.id) ?? [] } })));
    setProblems(list);
    setPlacedGeneral(placed.general);
  };

  const save = useMutation({
    mutationFn: (p: ApprovalProcess) => saveApprovalProcess(p, version),
    onSuccess: (saved) => {
      applyProblems([], [], []);
      setVersion(saved.version);
      setDirty(false);
      queryClient.setQueryData([...approvalProcessesKey, saved.name], saved);
      void queryClient.invalidateQueries({ queryKey: approvalProcessesKey, exact: true });
      void message.success(t('flows.saved', { version: saved.version }));
      if (firstVersion === 0) void navigate(`/flows/${encodeURIComponent(saved.name)}`, { replace: true });
    },
  });
  const onSave = () => {
    const p = fromFlow(meta, nodes, edges);
    save.mutate(p, {
      onError: (e) => {
        if (e instanceof ApiError && e.problems.length) {
          applyProblems(
            e.problems,
            p.nodes.map((n) => n.id),
            p.edges.map((x) => x.id),
          );
        } else {
          applyProblems([], [], []);
        }
      },
    });
  };

  // Back to the list; unsaved changes are given up only when the user says so.
  const leave = () => {
    if (!dirty) return void navigate('/flows');
    modal.confirm({
      title: t('flows.leaveTitle'),
      content: t('flows.leaveText'),
      okText: t('flows.leaveOk'),
      okButtonProps: { danger: true },
      cancelText: t('flows.leaveCancel'),
      onOk: () => void navigate('/flows'),
    });
  };

  const selNode = nodes.find((n) => n.selected);
  const selEdge = selNode ? undefined : edges.find((e) => e.selected);
  const nameOf = (id: string) => {
    const n = nodes.find((x) => x.id === id);
    return n ? pickLabel(n.data.def.label, locale, id) : id;
  };
  const setNodeDef = (def: FlowNodeDef) => {
    setNodes((ns) => ns.map((n) => (n.id === def.id ? { ...n, data: { ...n.data, def } } : n)));
    setDirty(true);
  };
  const problemOwner = (p: Problem): { kind: 'node' | 'edge' | 'process'; id: string } | undefined => {
    if (isControlledProblem(p)) return { kind: 'process', id: '' };
    if (placedGeneral.includes(p)) return undefined;
    for (const n of nodes) if (n.data.problems.includes(p.message)) return { kind: 'node', id: n.id };
    for (const e of edges) if (e.data?.problems.includes(p.message)) return { kind: 'edge', id: e.id };
    return undefined;
  };

  const saveError = save.error && !(save.error instanceof ApiError && save.error.problems.length) ? save.error : null;

  const panel = selNode ? (
    <NodePanel
      key={selNode.id}
      def={selNode.data.def}
      problems={selNode.data.problems}
      object={object}
      onChange={setNodeDef}
      onDelete={() => void rf.deleteElements({ nodes: [{ id: selNode.id }] })}
    />
  ) : selEdge ? (
    <EdgePanel
      key={selEdge.id}
      def={selEdge.data!.def}
      fromKind={kindOf(selEdge.source)}
      fromName={nameOf(selEdge.source)}
      toName={nameOf(selEdge.target)}
      problems={selEdge.data!.problems}
      object={meta.object}
      onChange={(def) => {
        setEdges((es) => es.map((e) => (e.id === def.id ? { ...e, data: { ...e.data!, def } } : e)));
        setDirty(true);
      }}
      onDelete={() => void rf.deleteElements({ edges: [{ id: selEdge.id }] })}
    />
  ) : (
    <ProcessPanel
      meta={meta}
      object={object}
      updated={updatedFields(meta, nodes)}
      problems={problems.filter(isControlledProblem)}
      onChange={(m) => {
        setMeta(m);
        setDirty(true);
      }}
    />
  );

  return (
    <FlowActionsContext.Provider value={{ selectEdge }}>
      <PageHeader
        title={pickLabel(meta.label, locale, meta.name)}
        subtitle={t('flows.editorSubtitle', { name: meta.name })}
        extra={
          <Flex gap={8} align="center" wrap>
            {version > 0 ? <Tag>{t('flows.version', { version })}</Tag> : <Tag color="blue">{t('flows.draft')}</Tag>}
            {dirty && <Tag color="gold">{t('flows.unsaved')}</Tag>}
            <Button onClick={leave}>{t('flows.back')}</Button>
            <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} disabled={!dirty} onClick={onSave}>
              {t('flows.save')}
            </Button>
          </Flex>
        }
      />
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="flow-problems"
          message={t('flows.notSaved', { count: problems.length })}
          description={
            <ul className="crm-problem-list">
              {problems.map((p, i) => {
                const owner = problemOwner(p);
                return (
                  <li key={i}>
                    {owner ? (
                      <Button
                        type="link"
                        size="small"
                        className="crm-problem-link"
                        onClick={() =>
                          owner.kind === 'process'
                            ? selectProcess()
                            : owner.kind === 'node'
                              ? selectNode(owner.id)
                              : selectEdge(owner.id)
                        }
                      >
                        {p.message}
                      </Button>
                    ) : (
                      p.message
                    )}
                  </li>
                );
              })}
            </ul>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {saveError && (
        <Alert
          type="error"
          showIcon
          message={t('flows.saveFailed')}
          description={errorText(saveError, t)}
          style={{ marginBottom: 12 }}
        />
      )}
      <div className="crm-flow-layout">
        <FlowPalette onAdd={addInMiddle} hasRejected={nodes.some((n) => n.data.def.kind === 'rejected')} />
        <div
          className="crm-flow-canvas"
          ref={wrapper}
          data-testid="flow-canvas"
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
          }}
          onDrop={onDrop}
        >
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            snapToGrid
            snapGrid={[20, 20]}
            // A new flow (its start alone) starts in the top left, leaving room to draw.
            fitView={initial.nodes.length > 1}
            fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
            defaultViewport={{ x: 32, y: 0, zoom: 0.85 }}
            minZoom={0.25}
            deleteKeyCode={['Backspace', 'Delete']}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <Card className="crm-flow-panel" size="small">
          {panel}
        </Card>
      </div>
    </FlowActionsContext.Provider>
  );
}
