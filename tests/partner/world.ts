// What every partner test file starts from: the same world as the POS tests (the app on its own
// database, our organisation and a foreign one, a key for each with the scope under test).
// (401, 403, 429 and 503 for every operation are covered by tests/platform/every-operation.test.ts.)
export { BAD_LIST_QUERIES, expectInvalid, ids, posWorld as partnerWorld, sortBy, walk, type Listed, type PosWorld as PartnerWorld } from '../pos/world';
import { randomUUID } from 'node:crypto';
import type { PosWorld } from '../pos/world';

/** The 404 of a get for an unknown id and for another organisation's id alike. */
export async function expectNotFound(w: PosWorld, path: string, foreignId: string, what: string): Promise<void> {
  for (const id of [foreignId, randomUUID()]) {
    const res = await w.get(`${path}/${id}`).expect(404);
    expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND', error: `${what} not found` });
  }
}
