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

// A string literal escapes only what the server's language knows: \" and \\ (JSON's \n and
// \u escapes are refused there), so a line break is written as it is.
function literal(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `"${textOf(v ?? '').replace(/[\\"]/g, '\\$&')}"`;
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

/**
 * Groups of conditions: the conditions of a group are joined by and, the groups by or, as in
 * `(stage = "won" and amount > 100) or owner is null`. An empty group or condition without a
 * value is left out; one group is written without brackets.
 */
export type Groups = Condition[][];

export function groupsToFilter(groups: Groups): string {
  const parts = groups.map(toFilter).filter((f) => f !== '');
  if (parts.length < 2) return parts[0] ?? '';
  return parts.map((p) => (p.includes(' and ') ? `(${p})` : p)).join(' or ');
}

type Token =
  | { kind: 'ident' | 'op'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'punct'; text: '(' | ')' | ',' };

// The tokens of the server's filter language (engine/query/lex.go); null when it refuses them.
function tokens(src: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const op = src[i + 1] === '=' ? c + '=' : c;
      if (op === '!') return null;
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\') {
          if (src[j + 1] !== '"' && src[j + 1] !== '\\') return null;
          j++;
        }
        v += src[j];
      }
      if (j >= src.length) return null;
      out.push({ kind: 'string', value: v });
      i = j + 1;
    } else if (c === '-' || /[0-9]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) return null;
      out.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
      if (!m) return null;
      out.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

type Tree = { and: Tree[] } | { or: Tree[] } | { cond: Condition };

/**
 * Reads a filter back into groups, as groupsToFilter writes them (and whatever the same shape
 * written by hand or given in a link: any brackets, one level of or over and). Null when the
 * filter says more than groups can hold (not, or inside and) or is not the language at all: the
 * list then shows it as it is and the builder starts afresh.
 */
export function parseFilter(src: string): Groups | null {
  if (src.trim() === '') return [];
  const toks = tokens(src);
  if (!toks) return null;
  let at = 0;
  const peek = () => toks[at];
  const word = (w: string) => {
    const t = peek();
    if (t?.kind === 'ident' && t.text.toLowerCase() === w) {
      at++;
      return true;
    }
    return false;
  };
  const punct = (p: string) => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === p) {
      at++;
      return true;
    }
    return false;
  };
  const value = (): Condition['value'] | null => {
    const t = toks[at++];
    if (t?.kind === 'string' || t?.kind === 'number') return t.value;
    if (t?.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    return null;
  };
  const reserved = ['and', 'or', 'not', 'in', 'contains', 'is', 'null', 'true', 'false'];
  const cond = (): Tree | null => {
    const f = toks[at++];
    if (f?.kind !== 'ident' || reserved.includes(f.text.toLowerCase())) return null;
    const field = f.text;
    if (word('is')) {
      const not = word('not');
      return word('null') ? { cond: { field, op: not ? 'is not null' : 'is null' } } : null;
    }
    if (word('in')) {
      if (!punct('(')) return null;
      const values: string[] = [];
      do {
        const v = value();
        if (v === null) return null;
        values.push(String(v));
      } while (punct(','));
      return punct(')') ? { cond: { field, op: 'in', value: values } } : null;
    }
    let op: string;
    if (word('contains')) op = 'contains';
    else {
      const t = toks[at++];
      if (t?.kind !== 'op') return null;
      op = t.text;
    }
    const v = value();
    return v === null ? null : { cond: { field, op, value: v } };
  };
  const unary = (): Tree | null => {
    if (punct('(')) {
      const inner = or();
      return inner && punct(')') ? inner : null;
    }
    return cond();
  };
  const chain = (kw: 'and' | 'or', next: () => Tree | null): Tree | null => {
    const first = next();
    if (!first) return null;
    const items = [first];
    while (word(kw)) {
      const n = next();
      if (!n) return null;
      items.push(n);
    }
    return items.length === 1 ? first : kw === 'and' ? { and: items } : { or: items };
  };
  const and = () => chain('and', unary);
  const or = (): Tree | null => chain('or', and);
  const tree = or();
  if (!tree || at !== toks.length) return null;

  // One level of or over and: flatten nested ands within a group, nested ors across groups.
  const conj = (t: Tree): Condition[] | null => {
    if ('cond' in t) return [t.cond];
    if ('or' in t) return null;
    const out: Condition[] = [];
    for (const c of t.and) {
      const cs = conj(c);
      if (!cs) return null;
      out.push(...cs);
    }
    return out;
  };
  const disj = (t: Tree): Groups | null => {
    if (!('or' in t)) {
      const g = conj(t);
      return g ? [g] : null;
    }
    const out: Groups = [];
    for (const c of t.or) {
      const gs = disj(c);
      if (!gs) return null;
      out.push(...gs);
    }
    return out;
  };
  return disj(tree);
}
