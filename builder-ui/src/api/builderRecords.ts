import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { FieldState, Form, FormErrorItem } from './preview';

export type RecordValues = Record<string, unknown> & { id: string; version: number; created_at?: string };

export const recordsKey = (object: string) => ['records', object] as const;

export function useRecordForm(object: string) {
  return useQuery({
    queryKey: ['forms', object],
    queryFn: ({ signal }) => api.get<Form>(`/api/forms/${encodeURIComponent(object)}`, { signal }),
  });
}

export function useRecords(object: string) {
  return useQuery({
    queryKey: recordsKey(object),
    queryFn: ({ signal }) =>
      api
        .get<{ items: RecordValues[] }>(`/api/records/${encodeURIComponent(object)}?limit=50`, { signal })
        .then((r) => r.items ?? []),
  });
}

export interface EvaluateAnswer {
  fields: Record<string, FieldState>;
  values: Record<string, unknown>;
  errors: FormErrorItem[];
}

export function evaluateRecord(object: string, values: Record<string, unknown>, signal: AbortSignal) {
  return api.post<EvaluateAnswer>(`/api/forms/${encodeURIComponent(object)}/evaluate`, { values }, { signal });
}

export function createRecord(object: string, values: Record<string, unknown>) {
  return api.post<RecordValues>(`/api/records/${encodeURIComponent(object)}`, values);
}
