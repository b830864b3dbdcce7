// Object definitions as the builder edits them: read one, save with If-Match, history, checks.
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { FieldDef, Label, ObjectDef } from './objects';

export interface Option {
  value: string;
  label?: Label;
  color?: string;
  /** An end of the picklist's process (won, lost, done): the kanban asks before moving there. */
  closed?: boolean;
}

export interface ValidationRule {
  name: string;
  error_when: string;
  field?: string;
  message?: Label;
}

export interface LayoutSection {
  label?: Label;
  columns?: number;
  fields: string[];
}

export interface Layout {
  name: string;
  sections: LayoutSection[];
}

/** A definition as sent to the server (no version, no server stamps). */
export interface Definition {
  name: string;
  label?: Label;
  fields: FieldDef[];
  validation_rules?: ValidationRule[];
  layouts?: Layout[];
  [other: string]: unknown;
}

export interface StoredDefinition extends Definition {
  version: number;
  updated_at?: string;
  updated_by?: string;
}

export interface HistoryEntry {
  id: string;
  object: string;
  action: 'created' | 'updated' | 'deleted';
  version: number;
  at: string;
  by: string;
  definition?: Definition;
  previous?: Definition;
}

/** One change the server refused because stored records would break (409 breaking_change). */
export interface Breakage {
  field: string;
  change: string;
  values?: string[];
  records: number;
}

export interface ExprIssue {
  line: number;
  column: number;
  message: string;
}

export interface ExprCheck {
  ok: boolean;
  type?: string;
  errors?: ExprIssue[];
}

export type ExprKind = 'condition' | 'value' | 'formula';

export interface LibraryFunc {
  name: string;
  signature: string;
  doc: string;
  example: string;
}

export const objectKey = (name: string) => ['meta', 'objects', name] as const;
export const historyKey = (name: string) => ['meta', 'objects', name, 'history'] as const;

export function useObject(name: string | undefined) {
  return useQuery({
    queryKey: objectKey(name ?? ''),
    queryFn: ({ signal }) => api.get<StoredDefinition>(`/api/meta/objects/${encodeURIComponent(name!)}`, { signal }),
    enabled: !!name,
    // The builder edits a copy; a refetch must not replace the draft under the analyst.
    staleTime: Infinity,
  });
}

export function saveObject(def: Definition, version: number | undefined): Promise<StoredDefinition> {
  if (version === undefined) return api.post<StoredDefinition>('/api/meta/objects', def);
  return api.put<StoredDefinition>(`/api/meta/objects/${encodeURIComponent(def.name)}`, def, {
    ifMatch: version,
  });
}

export function useObjectHistory(name: string | undefined) {
  return useQuery({
    queryKey: historyKey(name ?? ''),
    queryFn: ({ signal }) =>
      api
        .get<{ items: HistoryEntry[] }>(`/api/meta/objects/${encodeURIComponent(name!)}/history`, { signal })
        .then((r) => r.items ?? []),
    enabled: !!name,
  });
}

export function checkExpression(
  body: { definition: Definition; expression: string; kind: ExprKind; type?: string },
  signal: AbortSignal,
): Promise<ExprCheck> {
  return api.post<ExprCheck>('/api/meta/expressions/check', body, { signal });
}

export function useExpressionLibrary() {
  return useQuery({
    queryKey: ['meta', 'expressions', 'library'],
    queryFn: ({ signal }) =>
      api.get<{ functions: LibraryFunc[]; operators: LibraryFunc[]; variables?: LibraryFunc[] }>(
        '/api/meta/expressions/library',
        { signal },
      ),
    staleTime: Infinity,
  });
}

export type { ObjectDef };
