import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export type WidgetType = 'funnel' | 'bar' | 'pie' | 'number' | 'sla_compliance';

export interface WidgetDef {
  name: string;
  type: WidgetType;
  label?: Label;
  object: string;
  group_by?: string[];
  measures?: string[];
}

export interface DashboardDef {
  name: string;
  label?: Label;
  widgets: WidgetDef[];
  version: number;
}

/** One group: key (field -> stored value), labels (field -> text) and one member per measure. */
export interface AggGroup {
  key: Record<string, unknown>;
  labels?: Record<string, string>;
  conversion?: number | null;
  /** From the stage history (funnels): records that were in the stage, the share that left the
   * funnel from it, and how long a stay lasted on average (null while none has ended). */
  entered?: number;
  drop_off?: number | null;
  avg_seconds?: number | null;
  [measure: string]: unknown;
}

export interface WidgetData {
  name: string;
  type: WidgetType;
  label?: string;
  object: string;
  groups?: AggGroup[];
  truncated?: boolean;
  compliance?: number;
  error?: { code: string; message: string };
}

export interface DashboardData {
  name: string;
  label?: string;
  widgets: WidgetData[];
}

export function useDashboards() {
  return useQuery({
    queryKey: ['meta', 'dashboards'],
    queryFn: ({ signal }) =>
      api.get<{ items: DashboardDef[] }>('/api/meta/dashboards', { signal }).then((r) => r.items ?? []),
  });
}

/** What a reading of a dashboard is narrowed to: a period of creation (dates), an owner, a team. */
export interface DashboardFilter {
  from?: string;
  to?: string;
  owner?: string;
  team?: string;
}

/** Every widget computed for the caller (their record access applied), in the caller's locale. */
export function useDashboardData(name: string, locale: string, filter: DashboardFilter = {}) {
  const params = new URLSearchParams();
  for (const k of ['from', 'to', 'owner', 'team'] as const) {
    if (filter[k]) params.set(k, filter[k]);
  }
  const query = params.toString();
  return useQuery({
    queryKey: ['dashboards', name, 'data', locale, query],
    queryFn: ({ signal }) =>
      api.get<DashboardData>(`/api/dashboards/${encodeURIComponent(name)}/data${query ? `?${query}` : ''}`, {
        signal,
      }),
  });
}
