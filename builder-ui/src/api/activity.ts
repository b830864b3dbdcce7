// A record's activity timeline: follow-ups and other child records its object lists, approvals
// and field changes, newest first, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from './client';
import type { RecordData } from './records';
import type { Approval, HistoryEntry } from './work';

export interface ActivityItem {
  at: string;
  kind: 'record' | 'change' | 'approval';
  object?: string;
  lookup?: string;
  record?: RecordData;
  change?: HistoryEntry;
  approval?: Approval;
}

export interface ActivityPage {
  items: ActivityItem[];
  next_cursor: string;
}

export const activityKey = (object: string, id: string) => ['activity', object, id] as const;

export function useActivity(object: string, id: string, limit = 20) {
  return useInfiniteQuery({
    queryKey: activityKey(object, id),
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) =>
      api.get<ActivityPage>(
        `/api/records/${encodeURIComponent(object)}/${encodeURIComponent(id)}/activity?` +
          new URLSearchParams({ limit: String(limit), ...(pageParam ? { before: pageParam } : {}) }).toString(),
        { signal },
      ),
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}
