// Reports (the server's /api/reports, see the reports contract): saved definitions, runs of a
// draft or a saved report, and their exports.
import { useQuery } from '@tanstack/react-query';
import { api, download } from './client';
import type { Label } from './objects';

export type Bucket = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type MeasureOp = 'count' | 'sum' | 'avg' | 'min' | 'max';
export type ChartType = 'none' | 'bar' | 'column' | 'line' | 'pie' | 'funnel';
export type Sharing = 'private' | 'team' | 'everyone';

export interface GroupItem {
  field: string;
  bucket?: Bucket;
}

export interface Measure {
  op: MeasureOp;
  field?: string;
}

export interface ReportDef {
  name: string;
  label?: Label;
  object: string;
  columns?: string[];
  filter?: string;
  rows: GroupItem[];
  column?: GroupItem;
  measures: Measure[];
  chart?: ChartType;
  sharing?: Sharing;
  owner?: string;
  version?: number;
}

export interface ResultGroup {
  keys: unknown[];
  labels: string[];
  column_key?: unknown;
  column_label?: string;
  values: (number | string | null)[];
  filter: string;
}

export interface ReportResult {
  object: string;
  rows: { field: string; label?: Label; type?: string; bucket?: Bucket }[];
  column?: { field: string; bucket?: Bucket; label?: Label };
  measures: { op: MeasureOp; field?: string; label?: Label }[];
  groups: ResultGroup[];
  totals?: (number | string | null)[];
  truncated?: boolean;
  error?: { code: string; message: string };
}

/** The period presets of a saved report's data (dashboard filters). */
export const periods = ['this_month', 'last_month', 'this_quarter', 'this_year', 'last_30_days'] as const;
export type Period = (typeof periods)[number];

export interface DataParams {
  period?: string;
  owner?: string;
  team?: string;
  filter?: string;
}

const path = (name: string) => `/api/reports/${encodeURIComponent(name)}`;

function query(p: DataParams): string {
  const s = new URLSearchParams();
  for (const k of ['period', 'owner', 'team', 'filter'] as const) if (p[k]) s.set(k, p[k]);
  const q = s.toString();
  return q ? `?${q}` : '';
}

export const reportsApi = {
  list: (signal?: AbortSignal) =>
    api.get<{ items: ReportDef[] }>('/api/reports', { signal }).then((r) => r.items ?? []),
  get: (name: string, signal?: AbortSignal) => api.get<ReportDef>(path(name), { signal }),
  create: (def: ReportDef) => api.post<ReportDef>('/api/reports', def),
  update: (def: ReportDef) => api.put<ReportDef>(path(def.name), def, { ifMatch: def.version }),
  remove: (name: string) => api.delete<void>(path(name)),
  run: (draft: ReportDef, signal?: AbortSignal) => api.post<ReportResult>('/api/reports/run', draft, { signal }),
  data: (name: string, p: DataParams = {}, signal?: AbortSignal) =>
    api.get<ReportResult>(`${path(name)}/data${query(p)}`, { signal }),
  export: (name: string, format: 'csv' | 'xlsx') =>
    download(`${path(name)}/export?format=${format}`, `${name}.${format}`),
};

export const reportsKey = ['reports'] as const;

export function useReports() {
  return useQuery({ queryKey: reportsKey, queryFn: ({ signal }) => reportsApi.list(signal) });
}

export function useReportData(name: string, locale: string, p: DataParams = {}) {
  return useQuery({
    queryKey: ['reports', name, 'data', locale, p],
    queryFn: ({ signal }) => reportsApi.data(name, p, signal),
    enabled: !!name,
  });
}
