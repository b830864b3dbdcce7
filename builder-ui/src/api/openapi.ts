import { useQuery } from '@tanstack/react-query';
import { api, csrfToken } from './client';

/** The server's OpenAPI 3.1 document, as JSON: its schemas are the caller's own objects. */
export type OpenAPIDocument = Record<string, unknown>;

export const openAPIKey = ['openapi'] as const;

/**
 * GET /api/openapi.json with the session: besides the routes it holds a schema and typed record
 * routes for every object the signed-in user may read.
 */
export function useOpenAPIDocument() {
  return useQuery({
    queryKey: openAPIKey,
    queryFn: ({ signal }) => api.get<OpenAPIDocument>('/api/openapi.json', { signal }),
  });
}

/** What the renderer's "Try it out" sends: a request it is about to make, changed in place. */
export interface TryItOutRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Lets a call from the reference page ride on the session cookie like the app's own requests: a
 * change to this origin echoes the CSRF cookie (the server refuses a cookie-only change without
 * it). The session token is never added: it would show in the renderer's request snippets.
 */
export function withSession<R extends TryItOutRequest>(req: R, origin = window.location.origin): R {
  let url: URL;
  try {
    url = new URL(req.url, origin);
  } catch {
    return req;
  }
  if (url.origin !== origin || !url.pathname.startsWith('/api/')) return req;
  const csrf = safeMethods.has((req.method ?? 'GET').toUpperCase()) ? null : csrfToken();
  if (csrf) req.headers = { ...req.headers, 'X-CSRF-Token': csrf };
  return req;
}
