// The server's definition problems carry JSON pointers into the definition that was sent
// ("/fields/3/expression", "/layouts/0/sections/1/columns", "/validation_rules/0/error_when",
// "/indexes/1/fields/0"). placeProblems puts each on the field, section, rule or index of the
// draft it belongs to.
import type { Problem } from '../api/client';
import type { Placement } from './draft';

export interface PlacedProblem extends Problem {
  line?: number;
  column?: number;
  /** The setting at fault inside its field or rule ("expression", "options/2/value"), or "". */
  setting: string;
}

export interface Placed {
  fields: Record<string, PlacedProblem[]>;
  sections: Record<string, PlacedProblem[]>;
  rules: Record<string, PlacedProblem[]>;
  indexes: Record<string, PlacedProblem[]>;
  /** Problems of the indexes as a whole (too many). */
  indexList: PlacedProblem[];
  object: PlacedProblem[];
  count: number;
}

export const noProblems: Placed = {
  fields: {},
  sections: {},
  rules: {},
  indexes: {},
  indexList: [],
  object: [],
  count: 0,
};

function push(map: Record<string, PlacedProblem[]>, key: string | undefined, p: PlacedProblem): boolean {
  if (!key) return false;
  (map[key] ??= []).push(p);
  return true;
}

export function placeProblems(problems: Problem[], placement: Placement): Placed {
  const out: Placed = {
    fields: {},
    sections: {},
    rules: {},
    indexes: {},
    indexList: [],
    object: [],
    count: problems.length,
  };
  for (const raw of problems) {
    const parts = raw.pointer.split('/').slice(1);
    let m: RegExpExecArray | null;
    const rest = (n: number) => parts.slice(n).join('/');
    const p = (setting: string): PlacedProblem => ({ ...(raw as PlacedProblem), setting });
    if (parts[0] === 'fields' && parts[1] !== undefined) {
      if (push(out.fields, placement.fields[Number(parts[1])], p(rest(2)))) continue;
    } else if (parts[0] === 'validation_rules' && parts[1] !== undefined) {
      if (push(out.rules, placement.rules[Number(parts[1])], p(rest(2)))) continue;
    } else if (parts[0] === 'indexes') {
      if (parts[1] === undefined) {
        out.indexList.push(p(''));
        continue;
      }
      if (push(out.indexes, placement.indexes[Number(parts[1])], p(rest(2)))) continue;
    } else if ((m = /^\/layouts\/0\/sections\/(\d+)(?:\/(.*))?$/.exec(raw.pointer))) {
      if (push(out.sections, placement.sections[Number(m[1])], p(m[2] ?? ''))) continue;
    }
    out.object.push(p(rest(0)));
  }
  return out;
}

/** The problems of one setting ("expression", or every "options/..." with prefix). */
export function problemsAt(list: PlacedProblem[] | undefined, setting: string, prefix = false): PlacedProblem[] {
  return (list ?? []).filter((p) => (prefix ? p.setting.startsWith(setting) : p.setting === setting));
}
