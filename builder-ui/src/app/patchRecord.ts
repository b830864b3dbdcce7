import { ApiError } from '../api/client';
import { recordsApi, type RecordData } from '../api/records';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * PATCH with If-Match on the version the user saw. Automations often save a record again right
 * after a change (last activity, stale flags): when the version moved but none of the fields this
 * change touches did, the change is applied to the new version; when one of them moved, the 409
 * stands and the user decides.
 */
export async function patchRecord(
  object: string,
  before: RecordData,
  patch: Record<string, unknown>,
): Promise<RecordData> {
  try {
    return await recordsApi.patch(object, before.id, before.version, patch);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'version_conflict') throw e;
    const now = await recordsApi.get(object, before.id);
    if (Object.keys(patch).some((k) => !same(now[k], before[k]))) throw e;
    return recordsApi.patch(object, before.id, now.version, patch);
  }
}
