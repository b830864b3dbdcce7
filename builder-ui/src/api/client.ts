// The one way the app talks to the server: JSON over fetch, the session token, the CSRF token and
// the locale on every request, and the server's single error shape turned into ApiError.

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface Problem {
  pointer: string;
  code: string;
  message: string;
}

/** An error answered by the server, or status 0 with code "network_error" when it was not reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly problems: Problem[];
  readonly details: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: Partial<Pick<ApiError, 'fields' | 'problems' | 'details'>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = extra.fields ?? [];
    this.problems = extra.problems ?? [];
    this.details = extra.details;
  }
}

const tokenKey = 'crm.token';

// Set while the user signs out, until the next sign-in: a request still in flight then answers
// 401 because the session ended on purpose, which is no reason to come back to this page later.
let signingOut = false;

// The token is kept for API calls; the server's HttpOnly cookie covers a cleared localStorage.
export const session = {
  token: (): string | null => localStorage.getItem(tokenKey),
  set: (token: string) => {
    signingOut = false;
    localStorage.setItem(tokenKey, token);
  },
  clear: () => localStorage.removeItem(tokenKey),
  /** Marks a sign-out by the user: later 401s are expected, not an expired session. */
  ending: () => {
    signingOut = true;
  },
};

// The server refuses a change authenticated by the session cookie alone unless it echoes the
// crm_csrf cookie (readable by this origin only) in X-CSRF-Token; Bearer calls are exempt, but
// the header is sent on every change so that a cleared localStorage keeps the app working.
const csrfCookie = 'crm_csrf';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of the crm_csrf cookie set at sign-in, or null. */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === csrfCookie) return decodeURIComponent(value.join('='));
  }
  return null;
}

let requestLocale = 'en';

/** Sets the Accept-Language of every later request (the server localizes its messages). */
export function setRequestLocale(locale: string) {
  requestLocale = locale;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever a request answers 401: the session is gone. Returns the unsubscribe. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 is an answer for the caller (login), not an ended session. */
  expectUnauthorized?: boolean;
  /** The version the change is based on (If-Match): the server answers 409 when it moved on. */
  ifMatch?: number;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': requestLocale };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const csrf = safeMethods.has(method.toUpperCase()) ? null : csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
  }

  if (res.status === 401 && !opts.expectUnauthorized && !signingOut) {
    session.clear();
    unauthorizedListeners.forEach((l) => l());
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

function toApiError(status: number, data: unknown): ApiError {
  const e = (data as { error?: Partial<ApiError> } | undefined)?.error;
  if (!e || typeof e.code !== 'string') {
    return new ApiError(status, 'http_error', `HTTP ${status}`);
  }
  return new ApiError(status, e.code, e.message ?? e.code, {
    fields: e.fields,
    problems: e.problems,
    details: e.details,
  });
}

/** Posts a multipart form (a file upload) with the session, CSRF and locale headers of every request. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': requestLocale };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body: form, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
  }
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

/** Downloads what a GET answers as a file called name (a CSV or .xlsx the server makes). */
export async function download(path: string, name: string): Promise<void> {
  const headers: Record<string, string> = { 'Accept-Language': requestLocale };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, credentials: 'same-origin' });
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => undefined));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};
