import { useQuery } from '@tanstack/react-query';
import type { Action } from './automations';
import { api } from './client';
import type { Label } from './objects';

export interface SLAMetric {
  name: string;
  label?: Label;
  target: string;
  start_when?: string;
  stop_when: string;
  pause_when?: string;
}

export interface SLAThreshold {
  metric?: string;
  percent?: number; // warnings
  after?: string; // escalations
  actions: Action[];
}

export interface SLAPolicy {
  name: string;
  label?: Label;
  object: string;
  order?: number;
  disabled?: boolean;
  applies_when?: string;
  calendar?: string;
  metrics: SLAMetric[];
  warnings?: SLAThreshold[];
  escalations?: SLAThreshold[];
  version?: number;
}

export const slaKey = (object: string) => ['meta', 'sla-policies', object] as const;

export function useSLAPolicies(object: string) {
  return useQuery({
    queryKey: slaKey(object),
    queryFn: ({ signal }) =>
      api
        .get<{ items: SLAPolicy[] }>(`/api/meta/sla-policies?object=${encodeURIComponent(object)}`, { signal })
        .then((r) => (r.items ?? []).sort((a, b) => (a.order ?? 0) - (b.order ?? 0))),
    staleTime: Infinity,
  });
}

/** Creates (no version) or replaces (If-Match) a policy. */
export function saveSLAPolicy(p: SLAPolicy): Promise<SLAPolicy> {
  const { version, ...body } = p;
  if (!version) return api.post<SLAPolicy>('/api/meta/sla-policies', body);
  return api.put<SLAPolicy>(`/api/meta/sla-policies/${encodeURIComponent(p.name)}`, body, {
    ifMatch: version,
  });
}
