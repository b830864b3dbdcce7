import { useQuery } from '@tanstack/react-query';
import { poolOwner, useObjects, type FieldDef, type ObjectDef } from '../api/objects';
import { recordsApi, type RecordData } from '../api/records';
import { usePeople } from '../api/work';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';

// What the end-user app derives from the definitions: the name of a record, who looks up whom.

const titleNames = ['name', 'subject', 'company', 'title'];

/** The field that names a record of def: name/subject/company, else the first text field. */
export function titleField(def: ObjectDef | undefined): string | undefined {
  if (!def) return undefined;
  for (const n of titleNames) if (def.fields.some((f) => f.name === n)) return n;
  return def.fields.find((f) => f.type === 'text')?.name;
}

/** A record's name as people say it (contacts by first and last name), else its id. */
export function recordTitle(def: ObjectDef | undefined, r: RecordData | undefined): string {
  if (!r) return '';
  if (def?.fields.some((f) => f.name === 'last_name')) {
    const full = [r.first_name, r.last_name].filter((v) => typeof v === 'string' && v).join(' ');
    if (full) return full;
  }
  const f = titleField(def);
  const v = f ? r[f] : undefined;
  return typeof v === 'string' && v ? v : r.id;
}

export function useObjectDef(object: string) {
  const objects = useObjects();
  return { ...objects, def: objects.data?.find((o) => o.name === object) };
}

export interface Relation {
  object: ObjectDef;
  field: FieldDef;
}

/** The lookups of other objects (and this one) that point at target: the record page's related lists. */
export function relationsTo(objects: ObjectDef[] | undefined, target: string): Relation[] {
  const out: Relation[] = [];
  for (const o of objects ?? [])
    for (const f of o.fields) if (f.type === 'lookup' && f.target === target) out.push({ object: o, field: f });
  return out;
}

/**
 * The query of the names of some records of target, in one list call: only those the reader may
 * see come back, so a record they may not see keeps no name.
 */
export function lookupNamesQuery(target: string | undefined, def: ObjectDef | undefined, ids: string[]) {
  const unique = [...new Set(ids.filter(Boolean))].sort();
  return {
    // Names made before the target's definition arrived are ids: asked again once it is known.
    queryKey: ['names', target, !!def, unique],
    enabled: !!target && unique.length > 0,
    staleTime: 60_000,
    queryFn: async ({ signal }: { signal: AbortSignal }) => {
      const filter = `id in (${unique.map((id) => JSON.stringify(id)).join(', ')})`;
      const page = await recordsApi.list(target!, { filter, limit: 200 }, signal);
      return Object.fromEntries(page.items.map((r) => [r.id, recordTitle(def, r)])) as Record<string, string>;
    },
  };
}

/** Names of the records a page shows in its lookups, fetched in one list call per target. */
export function useLookupNames(target: string | undefined, ids: string[]) {
  const { def } = useObjectDef(target ?? '');
  return useQuery(lookupNamesQuery(target, def, ids));
}

/** The people of the directory by id, for owner and user fields; pools by their owner value. */
export function usePeopleById() {
  const people = usePeople();
  const objects = useObjects();
  const { locale } = useI18n();
  const byId: Record<string, string> = {};
  for (const p of people.data ?? []) byId[p.id] = p.name || p.email;
  for (const o of objects.data ?? [])
    for (const pool of o.pools ?? []) byId[poolOwner(pool.name)] ??= pickLabel(pool.label, locale, pool.name);
  return byId;
}
