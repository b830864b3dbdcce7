import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Label } from './objects';

export type MatchKind = 'exact' | 'case_insensitive' | 'email' | 'phone' | 'fuzzy';

export interface MatchCondition {
  field: string;
  match: MatchKind;
  against_field?: string;
  threshold?: number;
  region?: string;
}

export interface DuplicateRule {
  name: string;
  label?: Label;
  action: 'block' | 'warn';
  against?: string;
  disabled?: boolean;
  conditions: MatchCondition[];
}

export interface DuplicateRules {
  object: string;
  rules: DuplicateRule[];
  version?: number;
}

/** One record a rule found, as the user may see it. */
export interface DuplicateMatch {
  rule: string;
  rule_label?: string;
  action: 'block' | 'warn';
  object: string;
  id: string;
  title?: string | number;
  fields: string[];
  score?: number;
}

/** What the rules found: the matches the user may see, and how many others there are. */
export interface Duplicates {
  matches: DuplicateMatch[];
  hidden: number;
  block: boolean;
}

export const duplicateRulesKey = (object: string) => ['meta', 'duplicate-rules', object] as const;

export function useDuplicateRules(object: string) {
  return useQuery({
    queryKey: duplicateRulesKey(object),
    queryFn: ({ signal }) =>
      api.get<DuplicateRules>(`/api/meta/duplicate-rules/${encodeURIComponent(object)}`, { signal }),
    staleTime: Infinity,
  });
}

export function saveDuplicateRules(d: DuplicateRules): Promise<DuplicateRules> {
  const { version, ...body } = d;
  return api.put<DuplicateRules>(`/api/meta/duplicate-rules/${encodeURIComponent(d.object)}`, body, {
    ifMatch: version || undefined,
  });
}

/** The rules run over a form's values without saving (id: the record being edited). */
export function checkDuplicates(object: string, values: Record<string, unknown>, id?: string, signal?: AbortSignal) {
  return api.post<Duplicates>(
    `/api/records/${encodeURIComponent(object)}/duplicates`,
    id ? { ...values, id } : values,
    { signal },
  );
}

export const anyDuplicates = (d?: Duplicates | null): d is Duplicates => !!d && (d.matches.length > 0 || d.hidden > 0);
