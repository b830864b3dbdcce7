// The one way the app talks to the server: JSON over fetch, the session token and the locale on
// every request, and the server's single error shape turned into ApiError.

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

// The token is kept for API calls; the server's HttpOnly cookie covers a cleared localStorage.
export const session = {
  token: (): string | null => localStorage.getItem(tokenKey),
  set: (token: string) => localStorage.setItem(tokenKey, token),
  clear: () => localStorage.removeItem(tokenKey),
};

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
  /** Extra request headers (If-Match). */
  headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': requestLocale };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, opts.headers);

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

  if (res.status === 401 && !opts.expectUnauthorized) {
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

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};
