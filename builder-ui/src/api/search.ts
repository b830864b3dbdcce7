import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';

/** One record the global search found: its name, and the value that matched when not its name. */
export interface SearchItem {
  id: string;
  title?: string | number | null;
  field: string;
  detail?: string | number | null;
}

/** One object's records found. */
export interface SearchGroup {
  object: string;
  label: string;
  items: SearchItem[];
  more?: boolean;
}

/** GET /api/search: every object the user may read, by the fields each object searches. */
export function useSearch(q: string) {
  const text = q.trim();
  return useQuery<SearchGroup[]>({
    queryKey: ['search', text],
    queryFn: ({ signal }) =>
      api.get<{ groups: SearchGroup[] }>(`/api/search?q=${encodeURIComponent(text)}`, { signal }).then((r) => r.groups),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
