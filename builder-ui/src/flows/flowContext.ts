import { createContext, useContext } from 'react';

/** What the canvas's own elements may ask of the editor (an edge label selects its edge). */
export interface FlowActions {
  selectEdge: (id: string) => void;
}

export const FlowActionsContext = createContext<FlowActions>({ selectEdge: () => {} });

export const useFlowActions = () => useContext(FlowActionsContext);
