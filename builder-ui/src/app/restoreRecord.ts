import { ApiError } from '../api/client';
import { recordsApi, type RecordData } from '../api/records';

// What the server changes by itself, never a person: a newer version that differs from ours only
// here was saved by the engine (an automation stamping last activity), not by someone else.
const systemFields = new Set(['version', 'updated_at', 'updated_by']);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Puts values back on a record the user has just saved (an undo), with If-Match on the version
 * that save answered. When the version has moved since, the undo still applies if only fields no
 * one can enter changed (computed is the set of those: read-only fields, formulas, autonumbers);
 * when anyone changed a field a person could enter, the 409 stands: undoing would overwrite a
 * change the user has not seen.
 */
export async function restoreRecord(
  object: string,
  saved: RecordData,
  values: Record<string, unknown>,
  computed: Set<string>,
): Promise<RecordData> {
  try {
    return await recordsApi.patch(object, saved.id, saved.version, values);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'version_conflict') throw e;
    const now = await recordsApi.get(object, saved.id);
    const keys = new Set([...Object.keys(now), ...Object.keys(saved)]);
    for (const k of keys) if (!systemFields.has(k) && !computed.has(k) && !same(now[k], saved[k])) throw e;
    return recordsApi.patch(object, saved.id, now.version, values);
  }
}
