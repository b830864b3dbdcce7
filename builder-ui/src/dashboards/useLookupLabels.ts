import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { AggGroup } from '../api/dashboards';
import { useObjects, type ObjectDef } from '../api/objects';
import { lookupNamesQuery } from '../app/meta';
import { keyFields } from './widgetData';

/**
 * The groups with the names of the records their lookup keys point at (an account's name instead
 * of its id), as the reader may see them; the server labels only options and users.
 */
export function useLookupLabels(groups: AggGroup[], object: ObjectDef | undefined): AggGroup[] {
  const objects = useObjects();
  const lookups = keyFields(groups).flatMap((field) => {
    const f = object?.fields.find((x) => x.name === field);
    return f?.type === 'lookup' && typeof f.target === 'string' ? [{ field, target: f.target }] : [];
  });
  const names = useQueries({
    queries: lookups.map((l) =>
      lookupNamesQuery(
        l.target,
        objects.data?.find((o) => o.name === l.target),
        groups.map((g) => g.key[l.field]).filter((v): v is string => typeof v === 'string'),
      ),
    ),
  });
  const found = names.map((n) => n.data);
  // The answers as text: the same names give the same groups, so the charts draw once.
  const foundKey = JSON.stringify(found);
  const lookupsKey = JSON.stringify(lookups);
  return useMemo(() => {
    const ls = JSON.parse(lookupsKey) as typeof lookups;
    const fs = JSON.parse(foundKey) as (Record<string, string> | null)[];
    if (ls.length === 0) return groups;
    return groups.map((g) => {
      const labels = { ...g.labels };
      ls.forEach((l, i) => {
        const id = g.key[l.field];
        const name = typeof id === 'string' ? fs[i]?.[id] : undefined;
        if (name) labels[l.field] = name;
      });
      return { ...g, labels };
    });
  }, [groups, lookupsKey, foundKey]);
}
