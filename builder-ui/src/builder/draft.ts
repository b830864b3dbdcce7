// The builder's working copy of a definition. Fields, sections and rules carry client keys so that
// they keep their identity while renamed and dragged; toDefinition turns the copy back into the
// wire shape and remembers which key went to which array index, for the server's JSON pointers.
import type { FieldDef, Label } from '../api/objects';
import type { Definition, Layout, ValidationRule } from '../api/definitions';
import { newFieldSettings, type FieldType } from './fieldTypes';
import { indexable, indexShape, maxIndexFields, parseKey, type IndexDef } from './indexes';

export interface DraftSection {
  key: string;
  label: Label;
  columns: number;
  fields: string[]; // field keys
}

export interface DraftRule {
  key: string;
  rule: ValidationRule;
}

export interface DraftIndex {
  key: string;
  index: IndexDef;
}

export interface Draft {
  name: string;
  label: Label;
  fields: Record<string, FieldDef>;
  sections: DraftSection[];
  rules: DraftRule[];
  indexes: DraftIndex[];
  /** Keys of fields that exist in the saved version: their names are fixed. */
  saved: string[];
  /** Everything else of the definition (sharing, further layouts), sent back as it came. */
  rest: Record<string, unknown>;
  layoutName: string;
}

let seq = 0;
export const newKey = (prefix: string) => `${prefix}${++seq}`;

export function emptyDraft(): Draft {
  return {
    name: '',
    label: {},
    fields: {},
    sections: [{ key: newKey('s'), label: {}, columns: 2, fields: [] }],
    rules: [],
    indexes: [],
    saved: [],
    rest: {},
    layoutName: 'default',
  };
}

export function fromDefinition(def: Definition): Draft {
  const { name, label, fields, validation_rules, indexes, layouts, version, updated_at, updated_by, ...rest } = def;
  void version;
  void updated_at;
  void updated_by;
  const byName = new Map<string, string>();
  const draftFields: Record<string, FieldDef> = {};
  for (const f of fields ?? []) {
    const k = newKey('f');
    byName.set(f.name, k);
    draftFields[k] = f;
  }
  const layout = layouts?.[0];
  const sections: DraftSection[] = (layout?.sections ?? []).map((s) => ({
    key: newKey('s'),
    label: s.label ?? {},
    columns: s.columns || 1,
    fields: s.fields.map((n) => byName.get(n)).filter((k): k is string => !!k),
  }));
  if (sections.length === 0) sections.push({ key: newKey('s'), label: {}, columns: 2, fields: [] });
  // Fields the layout does not place go to the last section, so every field is on the canvas.
  const placed = new Set(sections.flatMap((s) => s.fields));
  const last = sections[sections.length - 1]!;
  for (const k of byName.values()) if (!placed.has(k)) last.fields.push(k);
  if (layouts && layouts.length > 1) rest.layouts_more = layouts.slice(1);
  return {
    name,
    label: label ?? {},
    fields: draftFields,
    sections,
    rules: (validation_rules ?? []).map((rule) => ({ key: newKey('r'), rule })),
    indexes: ((indexes as IndexDef[] | undefined) ?? []).map((index) => ({ key: newKey('i'), index })),
    saved: [...byName.values()],
    rest,
    layoutName: layout?.name ?? 'default',
  };
}

/** Where each key went in the wire definition, to place the server's JSON pointers. */
export interface Placement {
  fields: string[];
  sections: string[];
  rules: string[];
  indexes: string[];
}

function cleanLabel(l: Label | undefined): Label | undefined {
  if (!l) return undefined;
  const out: Label = {};
  for (const [k, v] of Object.entries(l)) if (v && v.trim()) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

// Empty inputs mean "not set": the metamodel refuses settings a type does not take, even empty.
function cleanField(f: FieldDef): FieldDef {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (k === 'label' || k === 'help') {
      const l = cleanLabel(v);
      if (l) out[k] = l;
      continue;
    }
    if (k === 'options' && Array.isArray(v)) {
      // Keys the editor does not clean (closed, any the server adds) go back as they came.
      out[k] = v.map(({ value, label: l, color, ...more }: { value: string; label?: Label; color?: string }) => {
        const label = cleanLabel(l);
        return { value, ...(label ? { label } : {}), ...(color ? { color } : {}), ...more };
      });
      continue;
    }
    out[k] = v;
  }
  return out as FieldDef;
}

export function toDefinition(d: Draft): { def: Definition; placement: Placement } {
  const order = d.sections.flatMap((s) => s.fields);
  const fields = order.map((k) => cleanField(d.fields[k]!));
  const { layouts_more, ...rest } = d.rest;
  const layouts: Layout[] = [
    {
      name: d.layoutName,
      sections: d.sections.map((s) => {
        const label = cleanLabel(s.label);
        return { ...(label ? { label } : {}), columns: s.columns, fields: s.fields.map((k) => d.fields[k]!.name) };
      }),
    },
    ...((layouts_more as Layout[] | undefined) ?? []),
  ];
  const def: Definition = { ...rest, name: d.name, fields, layouts };
  const label = cleanLabel(d.label);
  if (label) def.label = label;
  if (d.rules.length) {
    def.validation_rules = d.rules.map(({ rule }) => {
      const message = cleanLabel(rule.message);
      return {
        name: rule.name,
        error_when: rule.error_when,
        ...(rule.field ? { field: rule.field } : {}),
        ...(message ? { message } : {}),
      };
    });
  }
  if (d.indexes.length) {
    // An index's settings this builder does not know go back as they came; an empty name is none.
    def.indexes = d.indexes.map(({ index: { name, fields: keys, ...other } }) => ({
      ...(name?.trim() ? { name: name.trim() } : {}),
      fields: keys,
      ...other,
    }));
  }
  return {
    def,
    placement: {
      fields: order,
      sections: d.sections.map((s) => s.key),
      rules: d.rules.map((r) => r.key),
      indexes: d.indexes.map((i) => i.key),
    },
  };
}

/** A field name not yet taken: base, base_2, base_3, ... */
export function freeName(d: Draft, base: string, except?: string): string {
  const taken = new Set(
    Object.entries(d.fields)
      .filter(([k]) => k !== except)
      .map(([, f]) => f.name),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** The API name a label suggests: "Close date" -> "close_date". */
export function nameFromLabel(label: string): string {
  const s = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return /^[a-z]/.test(s) ? s : s ? `f_${s}` : '';
}

export function sectionOf(d: Draft, fieldKey: string): DraftSection | undefined {
  return d.sections.find((s) => s.fields.includes(fieldKey));
}

export function addField(d: Draft, type: FieldType, sectionKey: string, index: number, label: string): [Draft, string] {
  const key = newKey('f');
  const name = freeName(d, nameFromLabel(label) || type);
  const field: FieldDef = { name, type, label: { en: label }, ...newFieldSettings(type) };
  const sections = d.sections.map((s) => {
    if (s.key !== sectionKey) return s;
    const fields = [...s.fields];
    fields.splice(Math.max(0, Math.min(index, fields.length)), 0, key);
    return { ...s, fields };
  });
  return [{ ...d, fields: { ...d.fields, [key]: field }, sections }, key];
}

export function moveField(d: Draft, key: string, sectionKey: string, index: number): Draft {
  const without = d.sections.map((s) => ({ ...s, fields: s.fields.filter((k) => k !== key) }));
  return {
    ...d,
    sections: without.map((s) => {
      if (s.key !== sectionKey) return s;
      const fields = [...s.fields];
      fields.splice(Math.max(0, Math.min(index, fields.length)), 0, key);
      return { ...s, fields };
    }),
  };
}

export function updateField(d: Draft, key: string, patch: Partial<FieldDef>): Draft {
  const prev = d.fields[key]!;
  const next = { ...prev, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
  // A new field's indexes follow it while it is renamed (unless another field has its old name).
  const indexes =
    next.name === prev.name || Object.entries(d.fields).some(([k, f]) => k !== key && f.name === prev.name)
      ? d.indexes
      : d.indexes.map((ix) => ({
          ...ix,
          index: {
            ...ix.index,
            fields: ix.index.fields.map((s) =>
              s === prev.name ? next.name : s === `-${prev.name}` ? `-${next.name}` : s,
            ),
          },
        }));
  return { ...d, fields: { ...d.fields, [key]: next }, indexes };
}

export function removeField(d: Draft, key: string): Draft {
  const fields = { ...d.fields };
  delete fields[key];
  return { ...d, fields, sections: d.sections.map((s) => ({ ...s, fields: s.fields.filter((k) => k !== key) })) };
}

export function addSection(d: Draft, label: Label): Draft {
  return { ...d, sections: [...d.sections, { key: newKey('s'), label, columns: 2, fields: [] }] };
}

export function updateSection(d: Draft, key: string, patch: Partial<DraftSection>): Draft {
  return { ...d, sections: d.sections.map((s) => (s.key === key ? { ...s, ...patch } : s)) };
}

/** Removes a section; its fields move to the section before it (or after, for the first). */
export function removeSection(d: Draft, key: string): Draft {
  const i = d.sections.findIndex((s) => s.key === key);
  if (i < 0 || d.sections.length === 1) return d;
  const gone = d.sections[i]!;
  const heir = i > 0 ? i - 1 : 1;
  const sections = d.sections.map((s, j) => (j === heir ? { ...s, fields: [...s.fields, ...gone.fields] } : s));
  return { ...d, sections: sections.filter((s) => s.key !== key) };
}

/**
 * Adds the index a list suggested ("amount,-created_at", from its hint) unless one with these
 * fields is there already; names the object cannot index are left out. Answers the new index's key.
 */
export function addSuggestedIndex(d: Draft, spec: string | null): [Draft, string | undefined] {
  const fieldDefs = Object.values(d.fields);
  const seen = new Set<string>();
  const keys = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => {
      const { name } = parseKey(s);
      if (!name || seen.has(name) || !indexable(fieldDefs, name)) return false;
      seen.add(name);
      return true;
    })
    .slice(0, maxIndexFields);
  if (keys.length === 0) return [d, undefined];
  const shape = indexShape(keys);
  if (d.indexes.some((ix) => indexShape(ix.index.fields) === shape)) return [d, undefined];
  const key = newKey('i');
  return [{ ...d, indexes: [...d.indexes, { key, index: { fields: keys } }] }, key];
}
