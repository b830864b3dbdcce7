import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export interface AssignTarget {
  type: 'user' | 'round_robin' | 'least_loaded' | 'skills' | 'lookup_owner';
  user?: string;
  team?: string;
  users?: string[];
  open?: string;
  field?: string;
}

export interface AssignmentRule {
  name: string;
  label?: Label;
  condition?: string;
  target: AssignTarget;
}

export interface AssignmentRules {
  object: string;
  disabled?: boolean;
  rules: AssignmentRule[];
  fallback?: string;
  version?: number;
}

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

export const assignmentKey = (object: string) => ['meta', 'assignment', object] as const;

export function useAssignmentRules(object: string) {
  return useQuery({
    queryKey: assignmentKey(object),
    queryFn: ({ signal }) =>
      api.get<AssignmentRules>(`/api/meta/assignment-rules/${encodeURIComponent(object)}`, { signal }),
    staleTime: Infinity,
  });
}

export function saveAssignmentRules(a: AssignmentRules): Promise<AssignmentRules> {
  const { version, ...body } = a;
  return api.put<AssignmentRules>(`/api/meta/assignment-rules/${encodeURIComponent(a.object)}`, body, {
    ifMatch: version || undefined,
  });
}

export function usePeople() {
  return useQuery({
    queryKey: ['people', 'users'],
    queryFn: ({ signal }) => api.get<{ items: Person[] }>('/api/users', { signal }).then((r) => r.items ?? []),
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ['people', 'teams'],
    queryFn: ({ signal }) => api.get<{ items: Team[] }>('/api/teams', { signal }).then((r) => r.items ?? []),
  });
}
