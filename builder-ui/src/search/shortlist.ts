// Recent records and favourites, kept in this browser per user: the search box shows them before
// anything is typed, and favourites have their place in the navigation.

export interface RecordRef {
  object: string;
  id: string;
  title: string;
}

const maxRecent = 8;
const maxFavourites = 30;
const key = (kind: 'recent' | 'favourites', user: string) => `crm.${kind}.${user}`;

function read(k: string): RecordRef[] {
  try {
    const v = JSON.parse(localStorage.getItem(k) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as RecordRef[]).filter((r) => r && typeof r.id === 'string') : [];
  } catch {
    return [];
  }
}

function write(k: string, list: RecordRef[]) {
  localStorage.setItem(k, JSON.stringify(list));
  window.dispatchEvent(new Event('crm-shortlist'));
}

const same = (a: RecordRef, b: RecordRef) => a.object === b.object && a.id === b.id;

/** list with ref first, once, cut to max. */
export function pushFront(list: RecordRef[], ref: RecordRef, max: number): RecordRef[] {
  return [ref, ...list.filter((r) => !same(r, ref))].slice(0, max);
}

export const recentOf = (user: string) => read(key('recent', user));
export const favouritesOf = (user: string) => read(key('favourites', user));

export function rememberRecent(user: string, ref: RecordRef) {
  write(key('recent', user), pushFront(recentOf(user), ref, maxRecent));
}

/** Adds or removes a favourite; answers whether it is one now. */
export function toggleFavourite(user: string, ref: RecordRef): boolean {
  const list = favouritesOf(user);
  if (list.some((r) => same(r, ref))) {
    write(
      key('favourites', user),
      list.filter((r) => !same(r, ref)),
    );
    return false;
  }
  write(key('favourites', user), [...list, ref].slice(-maxFavourites));
  return true;
}

/** The flat order the arrow keys walk: every shown row, group by group. */
export function flatten<T>(groups: { items: T[] }[]): T[] {
  return groups.flatMap((g) => g.items);
}

/** The next active row after a key press, wrapping around; -1 stays -1 when there are none. */
export function step(active: number, count: number, delta: 1 | -1): number {
  if (count === 0) return -1;
  return (active + delta + count) % count;
}
