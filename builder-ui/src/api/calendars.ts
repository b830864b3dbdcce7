import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export interface Interval {
  start: string;
  end: string;
}

export interface Calendar {
  name: string;
  label?: Label;
  time_zone: string;
  hours: Record<string, Interval[]>;
  holidays?: string[];
  working_days?: { date: string; hours: Interval[] }[];
  version?: number;
}

export const calendarsKey = ['meta', 'calendars'] as const;

export function useCalendars() {
  return useQuery({
    queryKey: calendarsKey,
    queryFn: ({ signal }) =>
      api.get<{ items: Calendar[] }>('/api/meta/calendars', { signal }).then((r) => r.items ?? []),
    staleTime: Infinity,
  });
}

/** Creates (no version) or replaces (If-Match) a calendar. */
export function saveCalendar(c: Calendar): Promise<Calendar> {
  const { version, ...body } = c;
  if (!version) return api.post<Calendar>('/api/meta/calendars', body);
  return api.put<Calendar>(`/api/meta/calendars/${encodeURIComponent(c.name)}`, body, {
    ifMatch: version,
  });
}
