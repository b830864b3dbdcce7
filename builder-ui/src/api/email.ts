import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

/** The SMTP settings as GET /api/admin/smtp answers them; the password comes back masked. */
export interface SMTPSettings {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  username?: string;
  password?: string;
  from_address: string;
  from_name?: string;
  allowed_recipients: string[];
  app_url?: string;
  version: number;
}

export const smtpKey = ['admin', 'smtp'] as const;

export function useSMTP() {
  return useQuery({
    queryKey: smtpKey,
    queryFn: ({ signal }) => api.get<SMTPSettings>('/api/admin/smtp', { signal }),
    retry: false,
  });
}

export function saveSMTP(s: SMTPSettings): Promise<SMTPSettings> {
  const { version, ...body } = s;
  return api.put<SMTPSettings>('/api/admin/smtp', body, { ifMatch: version || undefined });
}

export function testSMTP(to: string): Promise<{ sent: boolean }> {
  return api.post<{ sent: boolean }>('/api/admin/smtp/test', { to });
}

/** An email template of one object: subject, HTML and plain text per language. */
export interface EmailTemplate {
  name: string;
  label?: Label;
  object: string;
  subject: Label;
  html?: Label;
  text?: Label;
  version?: number;
}

export const emailTemplatesKey = ['meta', 'email-templates'] as const;

export function useEmailTemplates() {
  return useQuery({
    queryKey: emailTemplatesKey,
    queryFn: ({ signal }) =>
      api.get<{ items: EmailTemplate[] }>('/api/meta/email-templates', { signal }).then((r) => r.items),
  });
}

export function saveEmailTemplate(t: EmailTemplate, create: boolean): Promise<EmailTemplate> {
  const { version, ...body } = t;
  if (create) return api.post<EmailTemplate>('/api/meta/email-templates', body);
  return api.put<EmailTemplate>(`/api/meta/email-templates/${encodeURIComponent(t.name)}`, body, {
    ifMatch: version || undefined,
  });
}

export interface EmailPreview {
  subject: string;
  html?: string;
  text: string;
  locale: string;
}

/** Fills the template being edited (draft) for a real record. */
export function previewEmailTemplate(draft: EmailTemplate, record: string, locale: string): Promise<EmailPreview> {
  const { version: _v, ...template } = draft;
  return api.post<EmailPreview>(`/api/meta/email-templates/${encodeURIComponent(draft.name || 'draft')}/preview`, {
    record,
    locale,
    template,
  });
}

/** One outbox email. */
export interface OutboxEmail {
  id: string;
  kind: string;
  object?: string;
  record?: string;
  template?: string;
  to: string[];
  subject: string;
  status: 'pending' | 'sending' | 'failed' | 'sent' | 'dead' | 'uncertain';
  attempts: number;
  max_attempts: number;
  last_error?: string;
  next_attempt_at?: string;
  sent_at?: string;
  created_at: string;
}

export const emailsKey = (status: string) => ['emails', status] as const;

export function useEmails(status: string) {
  return useQuery({
    queryKey: emailsKey(status),
    queryFn: ({ signal }) =>
      api
        .get<{ items: OutboxEmail[] }>(
          `/api/emails?limit=100${status ? `&status=${encodeURIComponent(status)}` : ''}`,
          {
            signal,
          },
        )
        .then((r) => r.items),
  });
}

export function retryEmail(id: string): Promise<OutboxEmail> {
  return api.post<OutboxEmail>(`/api/emails/${encodeURIComponent(id)}/retry`);
}
