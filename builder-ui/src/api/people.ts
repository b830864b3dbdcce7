import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export interface Person {
  id: string;
  email: string;
  name?: string;
  active: boolean;
}

export interface Team {
  id: string;
  label?: Label;
}

export interface RoleDef {
  name: string;
  label?: Label;
}

function useItems<T>(key: string, path: string) {
  return useQuery({
    queryKey: ['people', key],
    queryFn: ({ signal }) => api.get<{ items: T[] }>(path, { signal }).then((r) => r.items ?? []),
    staleTime: 5 * 60_000,
  });
}

export const useUsers = () => useItems<Person>('users', '/api/users');
export const useTeams = () => useItems<Team>('teams', '/api/teams');
export const useRoles = () => useItems<RoleDef>('roles', '/api/roles');
