import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, session } from './client';

export interface User {
  id: string;
  email: string;
  name?: string;
  roles: string[];
  /** The language of the profile (en, zh-CN): the app's and the notifications' (see useProfileLocale). */
  locale?: string;
  /** Notifications come by email too (a profile setting). */
  email_notifications?: boolean;
  /** The time zone of the profile (IANA name); empty: the browser's. */
  timezone?: string;
}

export const meKey = ['auth', 'me'] as const;

export async function login(email: string, password: string): Promise<User> {
  const res = await api.post<{ token: string; user: User }>(
    '/api/auth/login',
    { email, password },
    { expectUnauthorized: true },
  );
  session.set(res.token);
  return res.user;
}

/** Ends the session on the server; the local token goes whatever the answer. */
export async function logout(): Promise<void> {
  session.ending();
  try {
    await api.post<void>('/api/auth/logout', undefined, { expectUnauthorized: true });
  } finally {
    session.clear();
  }
}

export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: ({ signal }) => api.get<User>('/api/auth/me', { signal }),
  retry: false,
  staleTime: 5 * 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

/** Sets the language of one's own profile; answers the user as /api/auth/me does. */
export function saveOwnLocale(locale: string): Promise<User> {
  return api.patch<User>('/api/auth/me', { locale });
}

/** Whether one's notifications come by email too; answers the user as /api/auth/me does. */
export function saveOwnEmailNotifications(on: boolean): Promise<User> {
  return api.patch<User>('/api/auth/me', { email_notifications: on });
}
