// An object's composite indexes as the metamodel has them (forms/object_index.go): 2 to 4 fields
// in order, a leading "-" for descending, at most 10 per object. The builder edits them; the work
// area asks whether a list's order is served by one of the indexes the engine builds (indexesOf in
// engine/meta.go), to suggest one to those who can add it.
import type { FieldDef } from '../api/objects';
import { allows } from './fieldTypes';

export interface IndexDef {
  name?: string;
  fields: string[];
  /** Settings of an index this builder does not know, sent back as they came. */
  [other: string]: unknown;
}

export const maxIndexes = 10;
export const minIndexFields = 2;
export const maxIndexFields = 4;

/** The system fields an index may name (the record id is always its last key). */
export const indexableSystem = [
  'owner',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
  'sla_status',
  'sla_due_at',
] as const;

/** One entry of an index's fields: the field and whether it is descending. */
export interface IndexKey {
  name: string;
  desc: boolean;
}

export const parseKey = (s: string): IndexKey =>
  s.startsWith('-') ? { name: s.slice(1), desc: true } : { name: s, desc: false };

export const formatKey = (k: IndexKey): string => (k.desc ? `-${k.name}` : k.name);

/**
 * The orders an index serves, named by its fields with directions relative to the first: read
 * backwards an index serves the reverse order, so "stage,-amount" and "-stage,amount" are one.
 */
export function indexShape(fields: string[]): string {
  const keys = fields.map(parseKey);
  const flip = keys[0]?.desc ?? false;
  return keys.map((k) => (k.desc !== flip ? `-${k.name}` : k.name)).join(',');
}

/** Whether an index may name the field: the indexable system fields, and types that take "indexed". */
export function indexable(fields: FieldDef[], name: string): boolean {
  if ((indexableSystem as readonly string[]).includes(name)) return true;
  const f = fields.find((x) => x.name === name);
  return !!f && allows(f.type, 'indexed');
}

/** What the work area knows of an object to tell which list orders an index serves. */
export interface IndexedObject {
  fields: FieldDef[];
  indexes?: IndexDef[];
  sharing?: string;
}

// The single-field indexes every object has (engine indexesOf), besides the record id.
const alwaysIndexed = new Set(['id', 'owner', 'created_at', 'updated_at', 'sla_status', 'sla_due_at']);

/**
 * Whether a list sorted by sort ("-amount,created_at"; empty is newest first) is read in order
 * from an index the engine builds: the id, a single-field index (system times and owner, unique,
 * indexed, lookup, user and autonumber fields) when the sort has one key, or a composite index
 * (declared, or owner then time on objects not public) whose first keys are the sort's.
 */
export function sortServed(obj: IndexedObject, sort: string): boolean {
  const keys = sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (keys.length === 0) return true;
  const first = parseKey(keys[0]!).name;
  const field = obj.fields.find((f) => f.name === first);
  if (first === 'id' || field?.unique) return true;
  if (keys.length === 1) {
    if (alwaysIndexed.has(first)) return true;
    if (field && (field.indexed || ['lookup', 'user', 'autonumber'].includes(field.type))) return true;
  }
  const composites = (obj.indexes ?? []).map((ix) => ix.fields);
  if (obj.sharing !== 'public_read' && obj.sharing !== 'public_read_write') {
    composites.push(['owner', 'created_at'], ['owner', 'updated_at']);
  }
  const shape = indexShape(keys);
  return composites.some((c) => c.length >= keys.length && indexShape(c.slice(0, keys.length)) === shape);
}
