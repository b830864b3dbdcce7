import { api } from './client';

// Records of any object, as the records API answers them: field values plus system fields.
export type RecordData = { id: string; version: number; [field: string]: unknown };

/** What a create answers beside the record when assignment rules gave it to someone else. */
export type AssignmentNote = {
  owner: string;
  owner_name?: string;
  rule?: string;
  rule_label?: string;
  reason?: string;
  readable: boolean;
};

export interface RecordPage {
  items: RecordData[];
  next_cursor: string;
}

export interface ListParams {
  filter?: string;
  q?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
}

function query(p: ListParams): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') s.set(k, String(v));
  const q = s.toString();
  return q ? `?${q}` : '';
}

const base = (object: string) => `/api/records/${encodeURIComponent(object)}`;
const one = (object: string, id: string) => `${base(object)}/${encodeURIComponent(id)}`;

export const recordsApi = {
  list: (object: string, p: ListParams, signal?: AbortSignal) =>
    api.get<RecordPage>(base(object) + query(p), { signal }),
  get: (object: string, id: string, signal?: AbortSignal) => api.get<RecordData>(one(object, id), { signal }),
  create: (object: string, values: Record<string, unknown>) => api.post<RecordData>(base(object), values),
  /** A partial update guarded by the version the user saw (If-Match): 409 when someone was faster. */
  patch: (object: string, id: string, version: number, values: Record<string, unknown>) =>
    api.patch<RecordData>(one(object, id), values, { ifMatch: version }),
  remove: (object: string, id: string, version: number) => api.delete<void>(one(object, id), { ifMatch: version }),
  /** Folds the losers into the winner, each field keeping the value of the record named for it. */
  merge: (object: string, req: MergeRequest) => api.post<RecordData>(`${base(object)}/merge`, req),
  /** Takes a record its pool owns into one's own hands: 409 already_claimed when someone was faster. */
  claim: (object: string, id: string) => api.post<RecordData>(`${one(object, id)}/claim`, {}),
  /** Gives a record back to a pool (its own when none is named), saying why. */
  giveBack: (object: string, id: string, reason: string, pool?: string) =>
    api.post<RecordData>(`${one(object, id)}/return`, pool ? { pool, reason } : { reason }),
};

/** A merge: the record kept, the records folded into it, and per field the record whose value it keeps. */
export interface MergeRequest {
  winner: string;
  losers: string[];
  fields: Record<string, string>;
}

/** How many records one merge folds into its winner (the server's MaxMergeLosers). */
export const maxMergeLosers = 3;
