import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

// The administration's calls: users, password links, teams, roles, and one's own profile.

export interface AdminUser {
  id: string;
  email: string;
  name?: string;
  roles: string[];
  active: boolean;
  locale?: string;
  timezone?: string;
  manager?: string;
  teams: string[];
  skills: string[];
  password_set: boolean;
  version?: number;
}

export type UserInput = Partial<Omit<AdminUser, 'id' | 'version' | 'password_set'>> & { password?: string };

export interface TeamDef {
  id: string;
  label?: Label;
  lead?: string;
  members: string[];
  version?: number;
}

export interface Perm {
  create?: boolean;
  read?: boolean;
  edit?: boolean;
  delete?: boolean;
  see_all?: boolean;
  edit_all?: boolean;
}

export type PermKey = keyof Perm;
export const permKeys: PermKey[] = ['create', 'read', 'edit', 'delete', 'see_all', 'edit_all'];

export interface FullRole {
  name: string;
  label?: Label;
  builtin?: boolean;
  define?: boolean;
  objects?: Record<string, Perm>;
  fields?: Record<string, Record<string, 'hidden' | 'read_only'>>;
  version?: number;
}

export interface PasswordLink {
  user: string;
  token: string;
  path: string;
  expires_at: string;
}

export interface ApiToken {
  id: string;
  name: string;
  created_at: string;
  last_used_at?: string;
  expires_at?: string;
  token?: string;
}

export const adminKeys = {
  users: ['admin', 'users'] as const,
  teams: ['admin', 'teams'] as const,
  roles: ['admin', 'roles'] as const,
  tokens: ['admin', 'tokens'] as const,
};

export function useAdminUsers() {
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => api.get<{ items: AdminUser[] }>('/api/users', { signal }).then((r) => r.items ?? []),
  });
}

export function useAdminTeams() {
  return useQuery({
    queryKey: adminKeys.teams,
    queryFn: ({ signal }) => api.get<{ items: TeamDef[] }>('/api/teams', { signal }).then((r) => r.items ?? []),
  });
}

export function useFullRoles() {
  return useQuery({
    queryKey: adminKeys.roles,
    queryFn: ({ signal }) => api.get<{ items: FullRole[] }>('/api/roles', { signal }).then((r) => r.items ?? []),
  });
}

export const createUser = (u: UserInput) => api.post<AdminUser>('/api/users', u);
export const updateUser = (id: string, u: UserInput, version?: number) =>
  api.patch<AdminUser>(`/api/users/${encodeURIComponent(id)}`, u, { ifMatch: version });
export const createPasswordLink = (id: string) =>
  api.post<PasswordLink>(`/api/users/${encodeURIComponent(id)}/password-link`);
export const setPasswordWithLink = (token: string, password: string) =>
  api.post<void>('/api/auth/set-password', { token, password }, { expectUnauthorized: true });

export const saveTeam = (t: TeamDef, isNew: boolean) =>
  isNew
    ? api.post<TeamDef>('/api/teams', { id: t.id, label: t.label, lead: t.lead })
    : api.put<TeamDef>(
        `/api/teams/${encodeURIComponent(t.id)}`,
        { id: t.id, label: t.label, lead: t.lead },
        { ifMatch: t.version },
      );

/** Replaces a role (the name, label, define flag, objects and fields as given), If-Match its version. */
export const saveRole = (r: FullRole) =>
  api.put<FullRole>(
    `/api/roles/${encodeURIComponent(r.name)}`,
    { name: r.name, label: r.label, define: r.define, objects: r.objects ?? {}, fields: r.fields ?? {} },
    { ifMatch: r.version },
  );

/** Makes a new role (its name, label and starting permissions). */
export const createRole = (r: FullRole) =>
  api.post<FullRole>('/api/roles', {
    name: r.name,
    label: r.label,
    define: r.define,
    objects: r.objects ?? {},
    fields: r.fields ?? {},
  });
export const deleteRole = (name: string) => api.delete<void>(`/api/roles/${encodeURIComponent(name)}`);
export const deleteTeam = (id: string) => api.delete<void>(`/api/teams/${encodeURIComponent(id)}`);

export const getRole = (name: string) => api.get<FullRole>(`/api/roles/${encodeURIComponent(name)}`);

export function useOwnTokens() {
  return useQuery({
    queryKey: adminKeys.tokens,
    queryFn: ({ signal }) => api.get<{ items: ApiToken[] }>('/api/auth/tokens', { signal }).then((r) => r.items ?? []),
  });
}
export const createToken = (name: string, expires_at?: string) =>
  api.post<ApiToken>('/api/auth/tokens', expires_at ? { name, expires_at } : { name });
export const revokeToken = (id: string) => api.delete<void>(`/api/auth/tokens/${encodeURIComponent(id)}`);
export const changeOwnPassword = (current_password: string, new_password: string) =>
  api.post<void>('/api/auth/password', { current_password, new_password });
export const saveOwnProfile = (p: { locale?: string; timezone?: string }) => api.patch<unknown>('/api/auth/me', p);
