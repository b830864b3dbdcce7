// Autocomplete of expressions: the identifier being typed at the caret and what may complete it.

export interface Suggestion {
  text: string; // what is inserted
  kind: 'field' | 'variable' | 'function' | 'operator';
  detail: string;
}

/** The identifier that ends at caret: its start and text ("" when the caret is not after one). */
export function wordAt(value: string, caret: number): { start: number; word: string } {
  const m = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(value.slice(0, caret));
  return m ? { start: caret - m[0].length, word: m[0] } : { start: caret, word: '' };
}

/** Inside a "string" the caret is not in an identifier: count unescaped quotes before it. */
export function inString(value: string, caret: number): boolean {
  let open = false;
  for (let i = 0; i < caret; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '"') open = !open;
  }
  return open;
}

/**
 * What an expression reads beside the fields and functions: the library's variables (user.*,
 * owner_user.*), and the object's own: old.<field> (offered when oldDetail names it) and
 * owner_counts.<name>.
 */
export interface Variables {
  library?: { name: string; signature: string }[];
  oldDetail?: string;
  ownerCounts?: string[];
}

/**
 * Every name an expression may use: the object's fields, the variables, the library's functions,
 * the word operators.
 */
export function completionItems(
  fields: { name: string; label: string; type: string }[],
  functions: { name: string; signature: string }[],
  operatorDetail: string,
  variables: Variables = {},
): Suggestion[] {
  const own = fields.filter((f) => !f.name.includes('.')); // old.* has the record's own fields, not paths
  return [
    ...fields.map((f) => ({ text: f.name, kind: 'field' as const, detail: `${f.label} · ${f.type}` })),
    ...(variables.library ?? []).map((v) => ({ text: v.name, kind: 'variable' as const, detail: v.signature })),
    ...(variables.oldDetail === undefined ? [] : own).map((f) => ({
      text: `old.${f.name}`,
      kind: 'variable' as const,
      detail: `${f.label} · ${variables.oldDetail}`,
    })),
    ...(variables.ownerCounts ?? []).map((n) => ({
      text: `owner_counts.${n}`,
      kind: 'variable' as const,
      detail: `owner_counts.${n} int`,
    })),
    ...functions.map((f) => ({ text: f.name, kind: 'function' as const, detail: f.signature })),
    ...operators.map((o) => ({ text: o, kind: 'operator' as const, detail: operatorDetail })),
  ];
}

const operators = ['and', 'or', 'not', 'in', 'contains', 'startsWith', 'endsWith', 'matches'];

/**
 * The text after accepting s for the word that starts at start and ends at caret, and where the
 * caret goes: a function comes with its opening bracket, ready for its arguments.
 */
export function applySuggestion(
  value: string,
  start: number,
  caret: number,
  s: Suggestion,
): { value: string; caret: number } {
  const insert = s.kind === 'function' ? `${s.text}(` : s.text;
  return { value: value.slice(0, start) + insert + value.slice(caret), caret: start + insert.length };
}

/** The suggestions for word: those it starts first, then those that contain it; never the word itself. */
export function suggest(all: Suggestion[], word: string, max = 8): Suggestion[] {
  if (!word) return [];
  const w = word.toLowerCase();
  const starts = all.filter((s) => s.text.toLowerCase().startsWith(w) && s.text !== word);
  const within = all.filter((s) => !s.text.toLowerCase().startsWith(w) && s.text.toLowerCase().includes(w));
  return [...starts, ...within].slice(0, max);
}

/** 1-based line and column to an offset in value. */
export function offsetOf(value: string, line: number, column: number): number {
  const lines = value.split('\n');
  let off = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) off += lines[i]!.length + 1;
  return off + Math.max(0, column - 1);
}
