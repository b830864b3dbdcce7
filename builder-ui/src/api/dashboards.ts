import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export type WidgetType = 'funnel' | 'bar' | 'pie' | 'number' | 'sla_compliance' | 'report';

/** A widget's place on the dashboard's 12-column grid (rows of the grid's row height). */
export interface WidgetLayout {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface WidgetDef {
  name: string;
  type: WidgetType;
  label?: Label;
  /** The object of an aggregate widget; a report widget takes its report's. */
  object?: string;
  group_by?: string[];
  measures?: string[];
  /** A report widget's saved report and chart. */
  report?: string;
  chart?: string;
  layout?: WidgetLayout;
  [setting: string]: unknown;
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
  object?: string;
  report?: string;
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

export const dashboardsKey = ['meta', 'dashboards'] as const;

/** Replaces a dashboard's definition (analysts and admins); 409 when someone saved it meanwhile. */
/** Saves a new version of the dashboard; its version goes in If-Match (the body refuses it). */
export function saveDashboard(def: DashboardDef): Promise<DashboardDef> {
  const { version, ...body } = def;
  return api.put<DashboardDef>(`/api/meta/dashboards/${encodeURIComponent(def.name)}`, body, { ifMatch: version });
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
  /** A period preset of the report widgets (this_month, last_30_days, ...). */
  period?: string;
}

/** Every widget computed for the caller (their record access applied), in the caller's locale. */
export function useDashboardData(name: string, locale: string, filter: DashboardFilter = {}) {
  const params = new URLSearchParams();
  for (const k of ['from', 'to', 'owner', 'team', 'period'] as const) {
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
