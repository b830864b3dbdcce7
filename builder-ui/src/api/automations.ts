import { useQuery } from '@tanstack/react-query';
import type { AssignTarget } from './assignment';
import { api } from './client';
import type { Label } from './objects';

export interface Trigger {
  type: string;
  fields?: string[];
  cron?: string;
  filter?: string;
  field?: string;
  offset?: string;
}

export interface Action {
  type: string;
  values?: Record<string, string>;
  /** Lookup fields set to a record an earlier create made (kept as loaded). */
  link?: Record<string, string>;
  object?: string;
  to?: { owner?: boolean; manager?: boolean; users?: string[]; roles?: string[]; teams?: string[] };
  title?: Label;
  message?: Label;
  target?: AssignTarget;
  /** return_to_pool: the pool (empty: where it was claimed from) and why, kept in the history. */
  pool?: string;
  reason?: Label;
  /** email: the email template; webhook: the address; approval: the process (kept as loaded). */
  template?: string;
  url?: string;
  process?: string;
}

export interface Automation {
  name: string;
  label?: Label;
  object: string;
  disabled?: boolean;
  trigger: Trigger;
  condition?: string;
  actions: Action[];
  /** Fields only this automation's updates set: users cannot change them. */
  controlled_fields?: string[];
  version?: number;
}

export const automationsKey = (object: string) => ['meta', 'automations', object] as const;

export function useAutomations(object: string) {
  return useQuery({
    queryKey: automationsKey(object),
    queryFn: ({ signal }) =>
      api
        .get<{ items: Automation[] }>(`/api/meta/automations?object=${encodeURIComponent(object)}`, { signal })
        .then((r) => r.items ?? []),
    staleTime: Infinity,
  });
}

/** Creates (no version) or replaces (If-Match) an automation. */
export function saveAutomation(a: Automation): Promise<Automation> {
  const { version, ...body } = a;
  if (!version) return api.post<Automation>('/api/meta/automations', body);
  return api.put<Automation>(`/api/meta/automations/${encodeURIComponent(a.name)}`, body, {
    ifMatch: version,
  });
}

export function deleteAutomation(a: Automation): Promise<void> {
  return api.delete<void>(`/api/meta/automations/${encodeURIComponent(a.name)}`, {
    ifMatch: a.version || undefined,
  });
}
