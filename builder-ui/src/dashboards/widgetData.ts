import { textOf } from '../fields/text';
import type { AggGroup } from '../api/dashboards';
import type { ObjectDef } from '../api/objects';
import type { I18n } from '../i18n/context';
import type { Locale } from '../i18n/locale';
import { pickLabel } from '../i18n/locale';

// Reading a widget's groups: the text of a key, the measures present, numbers in the locale.

// What a funnel adds to its stages (conversion, and from the stage history entered, drop_off,
// avg_seconds) is not a measure.
const notMeasures = new Set(['key', 'labels', 'conversion', 'entered', 'drop_off', 'avg_seconds']);

/**
 * The groups with their measure members in the order the widget declares its measures ("sum:amount"
 * is the member "sum_amount"): the server writes them in name order, the analyst chose an order.
 */
export function inDeclaredOrder(groups: AggGroup[], measures: string[] | undefined): AggGroup[] {
  if (!measures?.length) return groups;
  const declared = measures.map((m) => m.replace(':', '_'));
  return groups.map((g) => {
    const out: Record<string, unknown> = {};
    for (const k of declared) if (k in g) out[k] = g[k];
    for (const [k, v] of Object.entries(g)) if (!(k in out)) out[k] = v;
    return out as AggGroup;
  });
}

/** The measure members of the groups, in the order of their members ("count", "sum_amount"). */
export function measuresOf(groups: AggGroup[]): string[] {
  return Object.keys(groups[0] ?? {}).filter((k) => !notMeasures.has(k));
}

/** A group's key as text: the option or user label, else the value, "none" for null. */
export function keyText(g: AggGroup, field: string, t: I18n['t']): string {
  const label = g.labels?.[field];
  if (label) return label;
  const v = g.key[field];
  return v === null || v === undefined ? t('dash.none') : textOf(v);
}

/** The key fields of the groups ("stage", or "owner" and "stage"). */
export function keyFields(groups: AggGroup[]): string[] {
  return Object.keys(groups[0]?.key ?? {});
}

/** A field's label in the locale, else its name. */
export function fieldName(field: string, object: ObjectDef | undefined, locale: Locale): string {
  return pickLabel(object?.fields.find((x) => x.name === field)?.label, locale, field);
}

/** "Count", "Sum of Amount", ... */
export function measureName(m: string, object: ObjectDef | undefined, locale: Locale, t: I18n['t']): string {
  if (m === 'count') return t('dash.count');
  const at = m.indexOf('_');
  const op = m.slice(0, at);
  const field = m.slice(at + 1);
  const fname = fieldName(field, object, locale);
  const key = ({ sum: 'dash.sum', avg: 'dash.avg', min: 'dash.min', max: 'dash.max' } as const)[op];
  return key ? t(key, { field: fname }) : m;
}

/** Formats a measure's value: money in its currency, counts as whole numbers. */
export function formatMeasure(m: string, v: unknown, object: ObjectDef | undefined, locale: Locale): string {
  if (v === null || v === undefined) return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return textOf(v);
  const f = object?.fields.find((x) => x.name === m.slice(m.indexOf('_') + 1));
  const currency = m !== 'count' && typeof f?.currency === 'string' ? f.currency : undefined;
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: currency ? 0 : 2,
    ...(currency ? { style: 'currency', currency } : {}),
  }).format(n);
}

export const toNumber = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);

export function percent(share: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** A length of time in the largest unit that keeps it at least 1 (days, hours, minutes). */
export function duration(seconds: number, locale: Locale): string {
  const [unit, size] = seconds >= 86_400 ? ['day', 86_400] : seconds >= 3_600 ? ['hour', 3_600] : ['minute', 60];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(
    seconds / size,
  );
}
