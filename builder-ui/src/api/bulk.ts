import { api } from './client';

/** What became of one record of a bulk request. */
export interface BulkResult {
  id: string;
  ok: boolean;
  version?: number;
  error?: { code: string; message: string };
}

export interface BulkAnswer {
  results: BulkResult[];
  ok: number;
  failed: number;
}

/** One change for many records, each through the whole write pipeline (POST /api/records/{object}/bulk). */
export function bulkRecords(
  object: string,
  req: { action: 'update' | 'delete'; ids: string[]; values?: Record<string, unknown> },
): Promise<BulkAnswer> {
  return api.post<BulkAnswer>(`/api/records/${encodeURIComponent(object)}/bulk`, req);
}

/** The server's MaxBulkRecords. */
export const maxBulkRecords = 200;
