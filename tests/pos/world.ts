// What every POS test file starts from: the app on its own database, two organisations (ours
// and a foreign one), a key for each with the scope under test, and small request helpers.
// (401, 403, 429 and 503 for every operation are covered by tests/platform/every-operation.test.ts.)
import type request from 'supertest';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';

export interface PosWorld {
  h: Harness;
  /** Our organisation and its key. */
  org: string;
  key: string;
  /** Another organisation, whose rows must never show, and its key. */
  other: string;
  otherKey: string;
  get(url: string, key?: string): request.Test;
}

export async function posWorld(scope: string, opts: { timezone?: string } = {}): Promise<PosWorld> {
  const h = await startHarness();
  const org = (await createOrg(h.db, { timezone: opts.timezone })).id;
  const other = (await createOrg(h.db)).id;
  // A generous limit: walking pages must not run into the 60/min default.
  const key = (await createApiKey(h.db, { orgId: org, scopes: [scope], rateLimitPerMinute: 10_000 })).key;
  const otherKey = (await createApiKey(h.db, { orgId: other, scopes: [scope], rateLimitPerMinute: 10_000 })).key;
  return { h, org, key, other, otherKey, get: (url, k = key) => h.api.get(url).set('X-API-Key', k) };
}

export interface Listed {
  id: string;
  [field: string]: unknown;
}

/** Every page of a list with limit=200, checking the envelope and that `total` stays put. */
export async function walk(w: PosWorld, path: string, query = '', key?: string): Promise<Listed[]> {
  const items: Listed[] = [];
  let total: number | undefined;
  for (let offset = 0; total === undefined || offset < total; offset += 200) {
    const res = await w.get(`${path}?${query}${query ? '&' : ''}limit=200&offset=${offset}`, key).expect(200);
    expect(res.body).toMatchObject({ limit: 200, offset });
    total ??= res.body.total as number;
    expect(res.body.total).toBe(total);
    items.push(...res.body.items);
  }
  return items;
}

/** A 400 VALIDATION_ERROR whose details name the field at `loc`. */
export function expectInvalid(res: request.Response, loc: (string | number)[]): void {
  expect(res).toHaveStatus(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  expect(res.body.details).toContainEqual(expect.objectContaining({ loc }));
}

/** The bad query values every list refuses, with the field each names. */
export const BAD_LIST_QUERIES: Array<[string, string]> = [
  ['limit=0', 'limit'],
  ['limit=201', 'limit'],
  ['limit=ten', 'limit'],
  ['offset=-1', 'offset'],
  ['updated_since=yesterday', 'updated_since'],
  ['updated_since=2026-05-10', 'updated_since'],
];

export const ids = (items: Listed[]) => items.map((i) => i.id);

/** Sorts rows the way the API documents: by the given keys, then id (as Postgres compares uuids: as hex text). */
export function sortBy<T extends Record<string, unknown>>(rows: T[], ...keys: string[]): T[] {
  return [...rows].sort((a, b) => {
    for (const k of [...keys, 'id']) {
      const [x, y] = [a[k], b[k]] as [string | number, string | number];
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}
