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
  /** Pools (线索池, 公海) that may own its records: owner "pool:<name>". */
  pools?: PoolDef[];
  version: number;
  updated_at?: string;
  updated_by?: string;
}

export interface PoolDef {
  name: string;
  label?: Label;
  members: { roles?: string[]; teams?: string[] };
  managers?: { roles?: string[]; teams?: string[] };
}

/** The owner value of a record in pool name. */
export const poolOwner = (name: string) => `pool:${name}`;

export const objectsKey = ['meta', 'objects'] as const;

export const objectsQuery = queryOptions({
  queryKey: objectsKey,
  queryFn: ({ signal }) => api.get<{ items: ObjectDef[] }>('/api/meta/objects', { signal }).then((r) => r.items ?? []),
});

export function useObjects() {
  return useQuery(objectsQuery);
}
