import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './client';

/** Text per locale tag ("en", "zh-CN", ...). */
export type Label = Partial<Record<string, string>>;

export interface FieldDef {
  name: string;
  type: string;
  label?: Label;
  [option: string]: unknown;
}

export interface ObjectDef {
  name: string;
  label?: Label;
  fields: FieldDef[];
  /** Composite indexes (2 to 4 fields, "-" for descending). */
  indexes?: { name?: string; fields: string[] }[];
  sharing?: string;
  version: number;
  updated_at?: string;
  updated_by?: string;
}

export const objectsKey = ['meta', 'objects'] as const;

export const objectsQuery = queryOptions({
  queryKey: objectsKey,
  queryFn: ({ signal }) => api.get<{ items: ObjectDef[] }>('/api/meta/objects', { signal }).then((r) => r.items ?? []),
});

export function useObjects() {
  return useQuery(objectsQuery);
}
