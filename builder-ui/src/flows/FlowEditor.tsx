import { ApartmentOutlined, RedoOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
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
import { Alert, App as AntApp, Button, Card, ConfigProvider, Flex, Grid, Tag, Tooltip } from 'antd';
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
  insertStep,
  newEdgeId,
  newNodeId,
  placeProblems,
  singleOut,
  snap,
  toFlow,
  toMeta,
  updatedFields,
  withDefault,
  type FlowEdge,
  type FlowMeta,
  type FlowNode,
} from './flowModel';
import { FlowNodeView } from './FlowNodeView';
import { FlowPalette, paletteMime } from './FlowPalette';
import { History } from './history';
import { kindLook } from './kinds';
import { layoutFlow } from './layout';
import { NodePanel } from './NodePanel';
import { ProcessPanel } from './ProcessPanel';
import './flows.css';

const nodeTypes = { step: FlowNodeView };
const edgeTypes = { step: FlowEdgeView };
const marker = { type: MarkerType.ArrowClosed, width: 18, height: 18 };
// The node card's size, to centre a dropped node under the pointer.
const nodeW = 180;
const nodeH = 60;
// Fitting the flow never zooms past 100% nor below where a step's text is still read easily.
const fitOptions = { maxZoom: 1, minZoom: 0.7, padding: 0.12 };

/** The flow as it would be saved: what undo and redo restore, and what tells a change from none. */
const snapshotOf = (meta: FlowMeta, nodes: FlowNode[], edges: FlowEdge[]) =>
  JSON.stringify(fromFlow(meta, nodes, edges));

/** A process's nodes and edges for the canvas; a process saved without positions is laid out. */
function canvasOf(p: ApprovalProcess): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const f = toFlow(p);
  const edges = f.edges.map((e) => ({ ...e, markerEnd: marker }));
  if (p.nodes.every((n) => n.position)) return { nodes: f.nodes, edges };
  const at = layoutFlow(f.nodes, edges);
  return { nodes: f.nodes.map((n) => ({ ...n, position: at.get(n.id)! })), edges };
}

/** Whether a key press belongs to a text field (its own undo), not to the canvas. */
const inTextField = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

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
  const readOnly = !Grid.useBreakpoint().md;
  const start = useMemo(() => canvasOf(initial), [initial]);
  const [nodes, setNodes, onNodesChangeBase] = useNodesState<FlowNode>(start.nodes);
  const [edges, setEdges, onEdgesChangeBase] = useEdgesState<FlowEdge>(start.edges);
  const [meta, setMeta] = useState<FlowMeta>(() => toMeta(initial));
  const history = useRef<History>(null);
  history.current ??= new History(snapshotOf(toMeta(initial), start.nodes, start.edges));
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);
  /** The flow as last saved (or loaded), so that undoing back to it is no change. */
  const savedSnapshot = useRef(history.current.current);
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

  // Each change is a step of the history once it settles: at once for a click or a drop, when a
  // drag ends, and after a pause in typing (one step per word, not per key).
  const dragging = nodes.some((n) => n.dragging);
  useEffect(() => {
    if (dragging) return;
    const record = () => {
      history.current!.record(snapshotOf(meta, nodes, edges));
      setCanUndo(history.current!.canUndo);
      setCanRedo(history.current!.canRedo);
    };
    if (!inTextField(document.activeElement)) return record();
    const timer = window.setTimeout(record, 500);
    return () => window.clearTimeout(timer);
  }, [meta, nodes, edges, dragging]);

  const restore = useCallback(
    (snapshot: string | undefined) => {
      if (snapshot === undefined) return;
      const p = JSON.parse(snapshot) as ApprovalProcess;
      const c = canvasOf(p);
      setNodes(c.nodes);
      setEdges(c.edges);
      setMeta(toMeta(p));
      setDirty(snapshot !== savedSnapshot.current);
      setCanUndo(history.current!.canUndo);
      setCanRedo(history.current!.canRedo);
    },
    [setNodes, setEdges],
  );
  const undo = useCallback(() => restore(history.current!.undo()), [restore]);
  const redo = useCallback(() => restore(history.current!.redo()), [restore]);

  // Ctrl/⌘-Z and Ctrl/⌘-Shift-Z (or Ctrl-Y) over the canvas; a text field keeps its own undo.
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || inTextField(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [readOnly, undo, redo]);

  /**
   * The first view: the whole flow when it fits at 100%, else its top at 100% (a step's text
   * stays readable; the wheel scrolls down, the fit button shows it all). A new flow, its start
   * alone, starts at the top leaving room to draw downwards.
   */
  const showFirst = () => {
    if (!wrapper.current) return;
    const box = wrapper.current.getBoundingClientRect();
    const b = rf.getNodesBounds(start.nodes);
    const pad = 24;
    if (start.nodes.length < 2)
      return void rf.setViewport({ x: box.width / 2 - b.x - nodeW / 2, y: pad - b.y, zoom: 1 });
    if (b.height + 2 * pad <= box.height && b.width + 2 * pad <= box.width) return void rf.fitView(fitOptions);
    // A narrow canvas (a phone) shows the flow's whole width, smaller.
    const zoom = Math.max(0.5, Math.min(1, (box.width - 2 * pad) / b.width));
    void rf.setViewport({ x: box.width / 2 - (b.x + b.width / 2) * zoom, y: pad - b.y * zoom, zoom });
  };

  /** Lays every step out top to bottom and shows the whole flow. */
  const tidy = useCallback(
    (ns: FlowNode[], es: FlowEdge[]) => {
      const at = layoutFlow(ns, es);
      setNodes(ns.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })));
      setEdges(es);
      setDirty(true);
      // Once the new places are drawn.
      window.requestAnimationFrame(() => void rf.fitView(fitOptions));
    },
    [rf, setNodes, setEdges],
  );

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
        // A way out of a condition starts with neither a condition nor the default: the user
        // chooses which it is (its label asks), rather than the first one silently being "otherwise".
        const edge: FlowEdge = {
          id,
          type: 'step',
          source: c.source,
          target: c.target,
          markerEnd: marker,
          data: { def: { id, from: c.source, to: c.target }, problems: [] },
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

  const insertOn = useCallback(
    (edgeId: string, kind: NodeKind) => {
      const id = newNodeId(kind, new Set(nodes.map((n) => n.id)));
      const next = insertStep(nodes, edges, edgeId, newDef(kind, id));
      tidy(next.nodes, next.edges);
    },
    [nodes, edges, tidy],
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
    onSuccess: (saved, sent) => {
      savedSnapshot.current = JSON.stringify(sent);
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
        setEdges((es) => {
          const next = es.map((e) => (e.id === def.id ? { ...e, data: { ...e.data!, def } } : e));
          // A condition has one default way: choosing this one unchooses the other.
          return def.default ? withDefault(next, def.id) : next;
        });
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
    <FlowActionsContext.Provider value={{ selectEdge, insertOn, kindOf, readOnly }}>
      <PageHeader
        title={pickLabel(meta.label, locale, meta.name)}
        subtitle={readOnly ? meta.name : t('flows.editorSubtitle', { name: meta.name })}
        extra={
          <Flex gap={8} align="center" wrap>
            {version > 0 ? <Tag>{t('flows.version', { version })}</Tag> : <Tag color="blue">{t('flows.draft')}</Tag>}
            {dirty && <Tag color="gold">{t('flows.unsaved')}</Tag>}
            <Button onClick={leave}>{t('flows.back')}</Button>
            {!readOnly && (
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={save.isPending}
                disabled={!dirty}
                onClick={onSave}
              >
                {t('flows.save')}
              </Button>
            )}
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
        {readOnly ? (
          <Alert
            className="crm-flow-palette"
            type="info"
            showIcon
            message={t('flows.readOnly')}
            data-testid="flow-read-only"
          />
        ) : (
          <FlowPalette
            onAdd={addInMiddle}
            hasRejected={nodes.some((n) => n.data.def.kind === 'rejected')}
            extra={
              <>
                <Tooltip title={`${t('flows.undo')} (Ctrl+Z)`}>
                  <Button icon={<UndoOutlined />} aria-label={t('flows.undo')} disabled={!canUndo} onClick={undo} />
                </Tooltip>
                <Tooltip title={`${t('flows.redo')} (Ctrl+Shift+Z)`}>
                  <Button icon={<RedoOutlined />} aria-label={t('flows.redo')} disabled={!canRedo} onClick={redo} />
                </Tooltip>
                <Tooltip title={t('flows.tidyHint')}>
                  <Button icon={<ApartmentOutlined />} onClick={() => tidy(nodes, edges)}>
                    {t('flows.tidy')}
                  </Button>
                </Tooltip>
              </>
            }
          />
        )}
        <div
          className={`crm-flow-canvas${readOnly ? ' is-read-only' : ''}`}
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
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            snapToGrid
            snapGrid={[20, 20]}
            onInit={showFirst}
            fitViewOptions={fitOptions}
            defaultViewport={{ x: 240, y: 24, zoom: 1 }}
            // The wheel scrolls a tall flow as it scrolls a page; Ctrl/⌘ with the wheel zooms.
            panOnScroll
            minZoom={0.25}
            deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <Card className="crm-flow-panel" size="small">
          <ConfigProvider componentDisabled={readOnly}>{panel}</ConfigProvider>
        </Card>
      </div>
    </FlowActionsContext.Provider>
  );
}
