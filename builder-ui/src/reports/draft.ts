// The report builder's pure logic: the fields a report may use, where each may be dropped, and
// the draft definition a drop makes. No I/O; the page holds the draft and runs it.
import type { FormField } from '../api/forms';
import type { FieldDef, ObjectDef } from '../api/objects';
import type { Bucket, GroupItem, Measure, MeasureOp, ReportDef } from '../api/reports';
import { parseFilter, type Groups } from '../app/filterLanguage';
import { pickLabel, type Locale } from '../i18n/locale';

export type Zone = 'rows' | 'column' | 'values' | 'filters';
export const zones: Zone[] = ['rows', 'column', 'values', 'filters'];

export const maxRows = 2;
export const maxMeasures = 4;

/** A field a report may use: one of the object's, or a parent's through a lookup ("account.industry"). */
export interface ReportField {
  path: string;
  /** The field's value type: a formula's or roll-up's result type. */
  type: string;
  label: string;
  /** The lookup's label for a parent's field ("Account"). */
  via?: string;
  options?: FormField['options'];
  currency?: string;
}

const numeric = new Set(['number', 'integer', 'currency', 'percent']);
const dates = new Set(['date', 'datetime']);
// Values that make no groups: long texts, several choices at once.
const ungroupable = new Set(['textarea', 'multipicklist']);

export const isNumeric = (f: ReportField) => numeric.has(f.type);
export const isDate = (f: ReportField) => dates.has(f.type);

function valueType(d: FieldDef): string {
  return (d.type === 'formula' || d.type === 'rollup') && typeof d.result_type === 'string' ? d.result_type : d.type;
}

function toField(d: FieldDef, path: string, locale: Locale, via?: string): ReportField {
  const options = Array.isArray(d.options)
    ? (d.options as { value: string; label?: Record<string, string> }[]).map((o) => ({
        value: o.value,
        label: pickLabel(o.label, locale, o.value),
      }))
    : undefined;
  return {
    path,
    type: valueType(d),
    label: pickLabel(d.label, locale, d.name),
    via,
    options,
    currency: typeof d.currency === 'string' ? d.currency : undefined,
  };
}

/** The object's fields, then each lookup's parent fields one level deep, in the definitions' order. */
export function reportFields(object: ObjectDef, objects: ObjectDef[], locale: Locale): ReportField[] {
  const own = object.fields.map((d) => toField(d, d.name, locale));
  const parents = object.fields
    .filter((d) => d.type === 'lookup' && typeof d.target === 'string')
    .flatMap((d) => {
      const target = objects.find((o) => o.name === d.target);
      const via = pickLabel(d.label, locale, d.name);
      return (target?.fields ?? [])
        .filter((p) => p.type !== 'lookup')
        .map((p) => toField(p, `${d.name}.${p.name}`, locale, via));
    });
  return [...own, ...parents];
}

/** Report fields as the filter builder and its tags take them; a parent's field is labelled "Account › Industry". */
export function asFormFields(fields: ReportField[]): FormField[] {
  return fields.map((f) => ({
    name: f.path,
    type: f.type,
    label: f.via ? `${f.via} › ${f.label}` : f.label,
    options: f.options,
  }));
}

/** What the builder edits: a definition whose filter is kept as groups of conditions (and within, or between). */
export interface Draft {
  object: string;
  rows: GroupItem[];
  column?: GroupItem;
  measures: Measure[];
  conditions: Groups;
  chart: NonNullable<ReportDef['chart']>;
}

export function emptyDraft(object: string): Draft {
  return { object, rows: [], measures: [{ op: 'count' }], conditions: [], chart: 'bar' };
}

/** Why field cannot go to zone (a message key's last part), or null when it can. */
export function dropProblem(draft: Draft, zone: Zone, f: ReportField): 'full' | 'notGroupable' | 'twice' | null {
  switch (zone) {
    case 'rows':
      if (ungroupable.has(f.type)) return 'notGroupable';
      if (draft.rows.some((r) => r.field === f.path) || draft.column?.field === f.path) return 'twice';
      return draft.rows.length >= maxRows ? 'full' : null;
    case 'column':
      if (ungroupable.has(f.type)) return 'notGroupable';
      if (draft.rows.some((r) => r.field === f.path)) return 'twice';
      // A column field replaces the one there.
      return null;
    case 'values':
      if (draft.measures.length >= maxMeasures) return 'full';
      return null;
    case 'filters':
      return null;
  }
}

/** The first operation a dropped value takes: a sum of numbers, else a count. */
export function defaultOp(f: ReportField): MeasureOp {
  return isNumeric(f) ? 'sum' : 'count';
}

/** The operations a value of field may use (count only for what is not a number). */
export function opsFor(f: ReportField | undefined): MeasureOp[] {
  if (!f) return ['count'];
  if (isNumeric(f)) return ['sum', 'avg', 'min', 'max', 'count'];
  if (isDate(f)) return ['count', 'min', 'max'];
  return ['count'];
}

/** The draft with field dropped on zone; unchanged when it may not go there. */
export function drop(draft: Draft, zone: Zone, f: ReportField, filterOp = '='): Draft {
  if (dropProblem(draft, zone, f)) return draft;
  const group: GroupItem = isDate(f) ? { field: f.path, bucket: 'month' } : { field: f.path };
  switch (zone) {
    case 'rows':
      return { ...draft, rows: [...draft.rows, group] };
    case 'column':
      return { ...draft, column: group };
    case 'values': {
      const op = defaultOp(f);
      // A plain count is the same whatever the field: the field is kept for sums and the like.
      const m: Measure = op === 'count' ? { op } : { op, field: f.path };
      return { ...draft, measures: [...draft.measures, m] };
    }
    case 'filters': {
      // A dropped field narrows what is there: a condition of the last group (and), or the first group.
      const last = draft.conditions.at(-1) ?? [];
      return { ...draft, conditions: [...draft.conditions.slice(0, -1), [...last, { field: f.path, op: filterOp }]] };
    }
  }
}

/** The draft without item i of zone (the column has one item). */
export function removeFrom(draft: Draft, zone: Zone, i: number): Draft {
  switch (zone) {
    case 'rows':
      return { ...draft, rows: draft.rows.filter((_, j) => j !== i) };
    case 'column':
      return { ...draft, column: undefined };
    case 'values':
      return { ...draft, measures: draft.measures.filter((_, j) => j !== i) };
    case 'filters':
      // Item i counts the conditions of all groups in order; a group left empty goes.
      return { ...draft, conditions: withoutCondition(draft.conditions, i) };
  }
}

function withoutCondition(groups: Groups, i: number): Groups {
  let n = i;
  return groups
    .map((g) => {
      const kept = n >= 0 && n < g.length ? g.filter((_, j) => j !== n) : g;
      n -= g.length;
      return kept;
    })
    .filter((g) => g.length > 0);
}

export function setBucket(draft: Draft, zone: 'rows' | 'column', i: number, bucket: Bucket): Draft {
  if (zone === 'column') return draft.column ? { ...draft, column: { ...draft.column, bucket } } : draft;
  return { ...draft, rows: draft.rows.map((r, j) => (j === i ? { ...r, bucket } : r)) };
}

export function setOp(draft: Draft, i: number, op: MeasureOp): Draft {
  return {
    ...draft,
    measures: draft.measures.map((m, j) => (j === i ? (op === 'count' ? { op } : { op, field: m.field }) : m)),
  };
}

/** The definition a draft runs as: at least one measure; the detail columns when nothing groups. */
export function toDefinition(draft: Draft, filter: string, extra: Partial<ReportDef> = {}): ReportDef {
  return {
    name: extra.name ?? 'draft',
    ...extra,
    object: draft.object,
    rows: draft.rows,
    ...(draft.column ? { column: draft.column } : {}),
    measures: draft.measures.length ? draft.measures : [{ op: 'count' }],
    ...(filter ? { filter } : {}),
    chart: draft.chart,
  };
}

/**
 * A saved definition as the builder edits it: its filter as groups of conditions when the builder
 * can hold it (baseFilterOf is then empty), else kept as written.
 */
export function fromDefinition(def: ReportDef): Draft {
  return {
    object: def.object,
    rows: def.rows ?? [],
    column: def.column,
    measures: def.measures?.length ? def.measures : [{ op: 'count' }],
    conditions: (def.filter && parseFilter(def.filter)) || [],
    chart: def.chart ?? 'none',
  };
}

/** A valid report name from a label: lower case letters, digits and _ ("Pipeline by industry" → pipeline_by_industry). */
export function nameFrom(label: string): string {
  const s = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 63);
  return s || `report_${Date.now().toString(36)}`;
}

/** The part of a saved filter the builder's groups cannot hold, kept as written. */
export function baseFilterOf(def: ReportDef): string | undefined {
  return def.filter && parseFilter(def.filter) === null ? def.filter : undefined;
}
