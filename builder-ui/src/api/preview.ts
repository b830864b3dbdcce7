import { api } from './client';
import type { Definition } from './definitions';

export interface FormOption {
  value: string;
  label: string;
  color?: string;
}

export interface FormField {
  name: string;
  type: string;
  result_type?: string;
  label: string;
  help?: string;
  required?: boolean;
  read_only?: boolean;
  options?: FormOption[];
  target?: string;
  currency?: string;
  min?: number;
  max?: number;
  scale?: number;
}

export interface FormSection {
  label?: string;
  columns: number;
  fields: string[];
}

export interface Form {
  object: string;
  label: string;
  fields: FormField[];
  sections: FormSection[];
}

export interface FieldState {
  visible: boolean;
  required: boolean;
  read_only: boolean;
}

export interface FormErrorItem {
  field: string;
  code: string;
  message: string;
  rule?: string;
}

export interface FormPreview {
  form: Form;
  state: { fields: Record<string, FieldState>; values: Record<string, unknown>; errors: FormErrorItem[] };
}

/** The generated form of an unsaved definition and the rules' state for sample values. */
export function previewForm(definition: Definition, values: Record<string, unknown>, signal: AbortSignal) {
  return api.post<FormPreview>('/api/meta/forms/preview', { definition, values }, { signal });
}
