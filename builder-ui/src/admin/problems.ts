import { ApiError } from '../api/client';

/** The problems of a refused save as form field errors: "/roles/0" goes to roles, "/email" to email. */
export function problemsToFields<K extends string>(e: unknown, known: readonly K[]): { name: K; errors: string[] }[] {
  if (!(e instanceof ApiError)) return [];
  const out = new Map<K, string[]>();
  for (const p of e.problems) {
    const name = p.pointer?.split('/')[1] as K | undefined;
    if (!name || !known.includes(name)) continue;
    out.set(name, [...(out.get(name) ?? []), p.message]);
  }
  return [...out].map(([name, errors]) => ({ name, errors }));
}
