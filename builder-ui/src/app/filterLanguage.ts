// Conditions as the list page's filter builder holds them, written in the API's filter language.
import { widgetOf } from '../fields/registry';
import { textOf } from '../fields/text';

export interface Condition {
  field: string;
  op: string;
  value?: string | number | boolean | string[];
}

export const noValueOps = ['is null', 'is not null'];

/** Operators that make sense for a field type, the first one a new row takes (fields/registry.tsx). */
export function operatorsFor(type: string): string[] {
  return widgetOf(type).filter.ops;
}

function literal(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(textOf(v ?? ''));
}

/** The filter= text of conditions joined by and; a condition without a value is left out. */
export function toFilter(conditions: Condition[]): string {
  return conditions
    .filter(
      (c) =>
        noValueOps.includes(c.op) ||
        (c.value !== undefined && c.value !== '' && !(Array.isArray(c.value) && !c.value.length)),
    )
    .map((c) => {
      if (noValueOps.includes(c.op)) return `${c.field} ${c.op}`;
      if (c.op === 'in') return `${c.field} in (${(c.value as string[]).map(literal).join(', ')})`;
      return `${c.field} ${c.op} ${literal(c.value)}`;
    })
    .join(' and ');
}

/** A saved view's filter as written, narrowed by the conditions added on top: each part in brackets when both are there. */
export function combineFilters(viewFilter: string | undefined, conditions: Condition[]): string {
  return [viewFilter, toFilter(conditions)]
    .filter((f): f is string => !!f)
    .map((f, _, all) => (all.length > 1 ? `(${f})` : f))
    .join(' and ');
}
