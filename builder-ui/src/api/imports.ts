import { api, download, postForm } from './client';

// Record imports from CSV or .xlsx and list exports (the server's /api/imports and
// /api/records/{object}/export).

export interface ImportProblem {
  column: string;
  field: string;
  code: string;
  message: string;
}

export interface PreviewRow {
  row: number;
  cells: Record<string, string>;
  errors?: ImportProblem[];
}

export interface ImportRun {
  id: string;
  object: string;
  file_name: string;
  mode: 'create' | 'upsert';
  key?: string;
  on_duplicate?: string;
  dry_run: boolean;
  columns: string[];
  mapping: Record<string, string>;
  unknown_columns: string[];
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  total: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  error?: { code: string; message: string };
  preview?: PreviewRow[];
}

export interface ImportOptions {
  object: string;
  file: File;
  mapping?: Record<string, string>;
  mode?: 'create' | 'upsert';
  key?: string;
  onDuplicate?: string;
  dryRun?: boolean;
}

export const importsApi = {
  start: (o: ImportOptions) => {
    const form = new FormData();
    form.set('object', o.object);
    form.set('file', o.file, o.file.name);
    if (o.mapping) form.set('mapping', JSON.stringify(o.mapping));
    if (o.mode) form.set('mode', o.mode);
    if (o.key) form.set('key', o.key);
    if (o.onDuplicate) form.set('on_duplicate', o.onDuplicate);
    if (o.dryRun) form.set('dry_run', 'true');
    return postForm<ImportRun>('/api/imports', form);
  },
  get: (id: string) => api.get<ImportRun>(`/api/imports/${encodeURIComponent(id)}`),
  cancel: (id: string) => api.post<ImportRun>(`/api/imports/${encodeURIComponent(id)}/cancel`),
  errors: (id: string, format: 'csv' | 'xlsx') =>
    download(`/api/imports/${encodeURIComponent(id)}/errors?format=${format}`, `import-errors.${format}`),
};

export interface ExportParams {
  filter?: string;
  q?: string;
  sort?: string;
  fields?: string[];
}

export function exportList(object: string, format: 'csv' | 'xlsx', p: ExportParams) {
  const s = new URLSearchParams({ format });
  if (p.filter) s.set('filter', p.filter);
  if (p.q) s.set('q', p.q);
  if (p.sort) s.set('sort', p.sort);
  if (p.fields?.length) s.set('fields', p.fields.join(','));
  return download(`/api/records/${encodeURIComponent(object)}/export?${s.toString()}`, `${object}.${format}`);
}
