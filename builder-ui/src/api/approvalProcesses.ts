import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

// Approval processes as the server stores them: a graph whose nodes keep the editor's positions.

export type NodeKind = 'start' | 'approval' | 'condition' | 'action' | 'approved' | 'rejected';
export type ApproverType = 'user' | 'role' | 'team' | 'manager' | 'field';
export type ApprovalMode = 'any' | 'all' | 'threshold';
export type OnTimeout = 'escalate' | 'approve' | 'reject';

export interface Approver {
  type: ApproverType;
  users?: string[];
  role?: string;
  team?: string;
  levels?: number;
  field?: string;
}

export interface FlowNodeDef {
  id: string;
  kind: NodeKind;
  label?: Label;
  position?: { x: number; y: number };
  approvers?: Approver[];
  mode?: ApprovalMode;
  threshold?: number;
  timeout?: string;
  on_timeout?: OnTimeout;
  /** The business calendar the timeout counts in; absent: around the clock. */
  calendar?: string;
  updates?: Record<string, string>;
  /** Kept as loaded: the editor does not change notifications yet. */
  notify?: unknown;
}

export interface FlowEdgeDef {
  id: string;
  from: string;
  to: string;
  condition?: string;
  default?: boolean;
}

export interface ApprovalProcess {
  name: string;
  label?: Label;
  object: string;
  disabled?: boolean;
  entry_condition?: string;
  recall_updates?: Record<string, string>;
  /** Fields only this process sets, besides those its updates set (which it controls anyway). */
  controlled_fields?: string[];
  /** An approver who approved earlier in the same run is not asked again. */
  skip_repeat_approvers?: boolean;
  nodes: FlowNodeDef[];
  edges: FlowEdgeDef[];
}

export interface ApprovalProcessDef extends ApprovalProcess {
  version: number;
}

/** Keys the server adds to a process on reads and refuses on writes. */
export const processServerKeys = ['version'] as const;

const base = '/api/meta/approval-processes';
export const approvalProcessesKey = ['meta', 'approval-processes'] as const;

export function useApprovalProcesses() {
  return useQuery({
    queryKey: approvalProcessesKey,
    queryFn: ({ signal }) => api.get<{ items: ApprovalProcessDef[] }>(base, { signal }).then((r) => r.items ?? []),
  });
}

export function useApprovalProcess(name: string) {
  return useQuery({
    queryKey: [...approvalProcessesKey, name],
    queryFn: ({ signal }) => api.get<ApprovalProcessDef>(`${base}/${encodeURIComponent(name)}`, { signal }),
    // The editor holds the draft; a refetch in the background must not replace it.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** Creates the process (version 0) or saves a new version of it, based on version (If-Match). */
export function saveApprovalProcess(p: ApprovalProcess, version: number): Promise<ApprovalProcessDef> {
  if (version === 0) return api.post<ApprovalProcessDef>(base, p);
  return api.put<ApprovalProcessDef>(`${base}/${encodeURIComponent(p.name)}`, p, { ifMatch: version });
}
