import { createContext, useContext } from 'react';
import type { NodeKind } from '../api/approvalProcesses';

/** What the canvas's own elements may ask of the editor (an edge label selects its edge). */
export interface FlowActions {
  selectEdge: (id: string) => void;
  /** Puts a new step of this kind on the edge ("+" between two steps). */
  insertOn: (edgeId: string, kind: NodeKind) => void;
  kindOf: (nodeId: string) => NodeKind | undefined;
  /** A phone shows the flow without editing it. */
  readOnly: boolean;
}

export const FlowActionsContext = createContext<FlowActions>({
  selectEdge: () => {},
  insertOn: () => {},
  kindOf: () => undefined,
  readOnly: true,
});

export const useFlowActions = () => useContext(FlowActionsContext);
