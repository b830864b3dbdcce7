import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type FieldError } from './client';

export interface FormOption {
  value: string;
  label: string;
  color?: string;
  /** An end of the process: moving a record there is confirmed, with what that stage requires. */
  closed?: boolean;
}

/** One field of a form descriptor, labels already in the caller's locale. */
export interface FormField {
  name: string;
  type: string;
  label: string;
  required?: boolean;
  read_only?: boolean;
  help?: string;
  options?: FormOption[];
  target?: string;
  currency?: string;
  scale?: number;
  min?: number;
  max?: number;
  max_length?: number;
  result_type?: string;
  default?: unknown;
  visible_when?: string;
  required_when?: string;
  read_only_when?: string;
}

export interface FormSection {
  label: string;
  columns?: number;
  fields: string[];
}

export interface FormDescriptor {
  object: string;
  label: string;
  layout: string;
  fields: FormField[];
  sections: FormSection[];
  schema: Record<string, unknown>;
}

export interface FieldState {
  visible: boolean;
  required: boolean;
  read_only: boolean;
}

export interface Evaluation {
  fields: Record<string, FieldState>;
  values: Record<string, unknown>;
  errors: FieldError[];
}

export const formQuery = (object: string) =>
  queryOptions({
    queryKey: ['forms', object],
    queryFn: ({ signal }) => api.get<FormDescriptor>(`/api/forms/${encodeURIComponent(object)}`, { signal }),
    staleTime: 5 * 60_000,
  });

export function useForm(object: string) {
  return useQuery(formQuery(object));
}

/** Asks the server how the form stands with these values: visibility, requirement, formulas, errors. */
export function evaluateForm(object: string, values: Record<string, unknown>, id?: string, signal?: AbortSignal) {
  return api.post<Evaluation>(`/api/forms/${encodeURIComponent(object)}/evaluate`, { values, id }, { signal });
}
