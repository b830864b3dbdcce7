import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

// The daily-work resources of a record: history, approvals, SLA, manual automations, and the
// caller's notifications.

export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  /** email_sent: the recipients. */
  email?: string;
  changes?: Record<string, { old: unknown; new: unknown }>;
}

export interface TimelineEntry {
  at: string;
  by?: string;
  action: string;
  node?: string;
  comment?: string;
  to?: string;
  process_version?: number;
}

export interface Approval {
  id: string;
  process: string;
  object: string;
  record: string;
  submitter: string;
  status: string;
  state?: { status: string; node?: string; approvers?: string[] };
  timeline: TimelineEntry[];
  submitted_at: string;
}

export interface ApprovalTask {
  id: string;
  approval: string;
  process: string;
  object: string;
  record: string;
  node: string;
  user: string;
  submitter: string;
  status: string;
  created_at: string;
  /** The submitter's comment (open tasks). */
  comment?: string;
  /** The record's money fields as the approver may read them: field -> value (open tasks). */
  amounts?: Record<string, unknown>;
}

export interface SlaMetric {
  metric: string;
  status: string;
  target_ms: number;
  used_ms: number;
  due_at?: string;
  breached_at?: string;
  stopped_at?: string;
}

export interface RecordSla {
  policy: string;
  status: string;
  due_at?: string;
  metrics: SlaMetric[];
}

export interface Automation {
  name: string;
  label?: Label;
  object: string;
  trigger: { type: string };
}

export interface Notification {
  id: string;
  at: string;
  title: string;
  message?: string;
  object?: string;
  record?: string;
  read: boolean;
}

export interface Person {
  id: string;
  email: string;
  name?: string;
  active?: boolean;
}

/** What one create action of a manual automation would make, and the records found like it. */
export interface ManualMatch {
  as: string;
  object: string;
  label?: string;
  /** title: the record's name as the server says it (contacts by first and last name). */
  matches: { id: string; title?: unknown; rule_label?: string; rule: string }[];
  hidden?: number;
}

const rec = (o: string, id: string) => `/api/records/${encodeURIComponent(o)}/${encodeURIComponent(id)}`;

export const workApi = {
  submit: (o: string, id: string, comment: string) => api.post<Approval>(`${rec(o, id)}/approvals`, { comment }),
  act: (approval: string, action: 'approve' | 'reject' | 'recall', comment: string) =>
    api.post<Approval>(`/api/approvals/${encodeURIComponent(approval)}/${action}`, { comment }),
  /** use: records that exist, by the alias of the create action they stand in for. */
  runAutomation: (o: string, id: string, name: string, use: Record<string, string> = {}) =>
    api.post<unknown>(`${rec(o, id)}/automations/${encodeURIComponent(name)}`, { use }),
  /** Per create action of a manual automation, the records that exist the user may use instead. */
  automationMatches: (o: string, id: string, name: string) =>
    api
      .get<{ items: ManualMatch[] }>(`${rec(o, id)}/automations/${encodeURIComponent(name)}/matches`)
      .then((r) => r.items ?? []),
  readNotification: (id: string) => api.post<void>(`/api/notifications/${encodeURIComponent(id)}/read`),
  readAll: () => api.post<void>('/api/notifications/read-all'),
};

export function useHistory(o: string, id: string) {
  return useQuery({
    queryKey: ['history', o, id],
    queryFn: ({ signal }) =>
      api.get<{ items: HistoryEntry[] }>(`${rec(o, id)}/history`, { signal }).then((r) => r.items ?? []),
  });
}

export function useRecordApprovals(o: string, id: string) {
  return useQuery({
    queryKey: ['approvals', o, id],
    queryFn: ({ signal }) =>
      api.get<{ items: Approval[] }>(`${rec(o, id)}/approvals`, { signal }).then((r) => r.items ?? []),
  });
}

export function useSla(o: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['sla', o, id],
    enabled,
    queryFn: ({ signal }) => api.get<RecordSla | null>(`${rec(o, id)}/sla`, { signal }),
    retry: false,
  });
}

export function useInbox() {
  return useQuery({
    queryKey: ['inbox'],
    queryFn: ({ signal }) =>
      api
        .get<{ items: ApprovalTask[] }>('/api/approvals?assigned=me&status=open', { signal })
        .then((r) => r.items ?? []),
  });
}

/** A manual automation the user may run on the record as it is now (its condition holds). */
export interface ManualAction {
  name: string;
  label: string;
}

/**
 * The record's manual automations the server offers now (Convert on a lead not yet converted);
 * keyed by the record's version, so a change to the record asks again.
 */
export function useManualAutomations(o: string, id: string, version: unknown, locale: string) {
  return useQuery({
    // The labels come in the request's language.
    queryKey: ['automations', o, id, version, locale],
    queryFn: ({ signal }) =>
      api.get<{ items: ManualAction[] }>(`${rec(o, id)}/automations`, { signal }).then((r) => r.items ?? []),
  });
}

export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) => api.get<{ items: Notification[]; unread: number }>('/api/notifications', { signal }),
    // The bell is a glance, not a feed: every 30 s is soon enough.
    refetchInterval: 30_000,
  });
}

export function usePeople() {
  return useQuery({
    queryKey: ['people'],
    queryFn: ({ signal }) => api.get<{ items: Person[] }>('/api/users', { signal }).then((r) => r.items ?? []),
    staleTime: 5 * 60_000,
  });
}

export interface ApprovalProcess {
  name: string;
  label?: Label;
  object: string;
  nodes?: { id: string; label?: Label }[];
}

export function useApprovalProcesses() {
  return useQuery({
    queryKey: ['meta', 'approval-processes'],
    queryFn: ({ signal }) =>
      api.get<{ items: ApprovalProcess[] }>('/api/meta/approval-processes', { signal }).then((r) => r.items ?? []),
    staleTime: 5 * 60_000,
  });
}
