import { api } from './client';

// Saved list views of the caller (and those others shared): GET/POST /api/views, DELETE /api/views/{id}.
export interface ListView {
  id: string;
  object: string;
  name: string;
  columns: string[];
  filter?: string;
  sort?: string;
  q?: string;
  shared?: boolean;
  owner: string;
  version: number;
}

export type NewListView = Omit<ListView, 'id' | 'owner' | 'version'>;

export const viewsKey = (object: string) => ['views', object] as const;

export const viewsApi = {
  list: (object: string, signal?: AbortSignal) =>
    api
      .get<{ items: ListView[] }>(`/api/views?object=${encodeURIComponent(object)}`, { signal })
      .then((r) => r.items ?? []),
  create: (v: NewListView) => api.post<ListView>('/api/views', v),
  remove: (v: ListView) => api.delete<void>(`/api/views/${encodeURIComponent(v.id)}`, { ifMatch: v.version }),
};
