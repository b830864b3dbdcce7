import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

/** One field a web form shows. */
export interface WebFormField {
  field: string;
  label?: Label;
  help?: Label;
  required?: boolean;
}

/** A public form that creates records of one object (web-to-lead), as stored. */
export interface WebForm {
  name: string;
  label?: Label;
  intro?: Label;
  object: string;
  fields: WebFormField[];
  hidden?: Record<string, unknown>;
  capture?: Record<string, string>;
  submit?: Label;
  thank_you?: Label;
  redirect?: string;
  origins?: string[];
  enabled: boolean;
  version?: number;
}

/** What the page may capture from a visit (forms.CaptureKeys). */
export const captureKeys = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'referrer'] as const;

/** Field types a visitor may fill (forms/webform.go has the same list). */
export const webFormTypes = [
  'text',
  'textarea',
  'email',
  'phone',
  'url',
  'integer',
  'number',
  'currency',
  'percent',
  'boolean',
  'date',
  'picklist',
  'multipicklist',
];

export const webFormsKey = (object: string) => ['meta', 'web-forms', object] as const;

export function useWebForms(object: string) {
  return useQuery({
    queryKey: webFormsKey(object),
    queryFn: ({ signal }) =>
      api
        .get<{ items: WebForm[] }>(`/api/meta/web-forms?object=${encodeURIComponent(object)}`, { signal })
        .then((r) => r.items),
  });
}

export function saveWebForm(w: WebForm, create: boolean): Promise<WebForm> {
  const { version, ...body } = w;
  if (create) return api.post<WebForm>('/api/meta/web-forms', body);
  return api.put<WebForm>(`/api/meta/web-forms/${encodeURIComponent(w.name)}`, body, { ifMatch: version || undefined });
}

export function deleteWebForm(name: string): Promise<void> {
  return api.delete<void>(`/api/meta/web-forms/${encodeURIComponent(name)}`);
}

/** Submissions by outcome: accepted, invalid, honeypot, duplicate, rate_limited, web_form_too_fast, ... */
export function useWebFormStats(name: string, enabled: boolean) {
  return useQuery({
    queryKey: ['meta', 'web-forms', 'stats', name],
    queryFn: ({ signal }) =>
      api
        .get<{ counts: Record<string, number> }>(`/api/meta/web-forms/${encodeURIComponent(name)}/stats`, { signal })
        .then((r) => r.counts),
    enabled,
  });
}

/** The hosted page's address and the snippet that embeds it. */
export function webFormLinks(name: string, origin: string) {
  const url = `${origin}/f/${name}`;
  return {
    url,
    embed: `<iframe src="${url}" title="${name}" style="width:100%;min-height:720px;border:0" loading="lazy"></iframe>`,
  };
}
