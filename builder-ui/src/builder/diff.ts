// A readable difference between two versions of a definition: what was added, removed or
// changed, by field, validation rule and layout, with the values before and after.
import type { Definition } from '../api/definitions';

export interface Change {
  op: 'added' | 'removed' | 'changed';
  /** Where: ["field", "amount", "required"], ["rule", "close_in_future"], ["object", "label"]. */
  where: [string, string, string?];
  before?: string;
  after?: string;
}

export function show(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  // A text per locale reads as "en: Title · zh-CN: 标题".
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) {
    return Object.entries(v as Record<string, string>)
      .map(([k, x]) => `${k}: ${x}`)
      .join(' · ');
  }
  return JSON.stringify(v);
}

function byName<T extends { name: string }>(list: T[] | undefined): Map<string, T> {
  return new Map((list ?? []).map((x) => [x.name, x]));
}

function compareMembers(kind: string, name: string, a: object, b: object, out: Change[]) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'name');
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push({ op: 'changed', where: [kind, name, k], before: show(x), after: show(y) });
    }
  }
}

function compareNamed<T extends { name: string }>(kind: string, a: T[] | undefined, b: T[] | undefined, out: Change[]) {
  const before = byName(a);
  const after = byName(b);
  for (const [name, x] of before) {
    const y = after.get(name);
    if (!y) out.push({ op: 'removed', where: [kind, name], before: show(x) });
    else compareMembers(kind, name, x, y, out);
  }
  for (const [name, y] of after) if (!before.has(name)) out.push({ op: 'added', where: [kind, name], after: show(y) });
}

export function diffDefinitions(a: Definition | undefined, b: Definition | undefined): Change[] {
  const out: Change[] = [];
  if (!a || !b) return out;
  if (JSON.stringify(a.label) !== JSON.stringify(b.label)) {
    out.push({ op: 'changed', where: ['object', 'label'], before: show(a.label), after: show(b.label) });
  }
  compareNamed('field', a.fields, b.fields, out);
  const order = (d: Definition) => (d.fields ?? []).map((f) => f.name).join(', ');
  if (out.every((c) => c.where[0] !== 'field' || c.op === 'changed') && order(a) !== order(b)) {
    out.push({ op: 'changed', where: ['object', 'order'], before: order(a), after: order(b) });
  }
  compareNamed('rule', a.validation_rules, b.validation_rules, out);
  compareNamed('layout', a.layouts, b.layouts, out);
  for (const k of ['sharing', 'sharing_rules']) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      out.push({ op: 'changed', where: ['object', k], before: show(a[k]), after: show(b[k]) });
  }
  return out;
}
