// Tenant isolation, generated from the spec (issue 7, part 2; OWASP API1:2023 broken object level
// authorisation). Two organisations with a bit of everything; organisation A calls, with its
// all-scope key (X-API-Key and Bearer) and its owner session:
//   - every operation taking an id, with B's ids (and, for nested paths, A's parent with B's child
//     and the reverse) → 404 NOT_FOUND, the same answer as for an id that exists nowhere, and not
//     one row of the database changed;
//   - every list, walked to the end → only A's rows: every id in the response is one of A's, none
//     of B's, B's marker nowhere, and the list is not empty (an empty list would prove nothing).
import request from 'supertest';
import { authenticate, BATTERY_ENV, credentialKinds, seedTenant, type Tenant, quietPool } from '../helpers/battery-world';
import { allStrings, dumpDatabase, dumpDifferences, idsOfOrg } from '../helpers/db-dump';
import { startHarness, type Harness } from '../helpers/harness';
import { collectionOf, fill, harvestIds, idOps, listOps } from '../helpers/spec-ids';
import { requiredHeadersFor, type SpecOp } from '../helpers/spec-ops';

const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('tenant isolation', () => {
  let h: Harness;
  let a: Tenant;
  let b: Tenant;
  let foundA: Map<string, string[]>;
  let foundB: Map<string, string[]>;
  let idsA: Set<string>;
  let idsB: Set<string>;
  const catalogues = new Set<string>();

  beforeAll(async () => {
    h = await startHarness({ env: BATTERY_ENV });
    quietPool(h.db);
    a = await seedTenant(h.db, 'ISOA');
    b = await seedTenant(h.db, 'ISOB');
    foundA = await harvestIds(h.api, a);
    foundB = await harvestIds(h.api, b);
    idsA = await idsOfOrg(h.db, a.orgId);
    idsB = await idsOfOrg(h.db, b.orgId);
    // Lists whose items have no id of their own (a catalogue; a run's event log, numbered by seq).
    for (const op of listOps) {
      const values = Object.fromEntries(paramsOf(op.path).map((n) => [n, foundA.get(collectionOf(op.path, n))?.[0] ?? '']));
      if (Object.values(values).some((v) => v === '')) continue;
      const res = await authenticate(h.api.get(fill(op.path, values)), credentialKinds(op)[0], a).expect(200);
      if (res.body.items.length > 0 && res.body.items.every((i: object) => !('id' in i))) catalogues.add(op.path);
    }
  });
  afterAll(() => h?.close());

  const call = (op: SpecOp, url: string) => {
    const t = h.api[op.method as 'get'](url).set(requiredHeadersFor(op));
    return op.hasBody ? t.send((op.exampleBody ?? {}) as object) : t;
  };

  /** Path parameter values with at least one of B's ids: B's alone, and mixed with A's. */
  function foreignFillings(op: SpecOp): Array<Record<string, string>> {
    const names = paramsOf(op.path);
    let combos: Array<Record<string, { id: string; owner: 'A' | 'B' }>> = [{}];
    for (const n of names) {
      const col = collectionOf(op.path, n);
      const options = [
        ...(foundA.get(col) ?? []).slice(0, 1).map((id) => ({ id, owner: 'A' as const })),
        ...(foundB.get(col) ?? []).slice(0, 2).map((id) => ({ id, owner: 'B' as const })),
      ];
      combos = combos.flatMap((c) => options.map((o) => ({ ...c, [n]: o })));
    }
    return combos.filter((c) => Object.values(c).some((v) => v.owner === 'B')).map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.id])));
  }

  it('found ids of every kind in both organisations (else the checks below prove nothing)', () => {
    // Lists of things without ids (a catalogue, e.g. webhook event types; a run's events) hold no ids to harvest.
    const tenantLists = listOps.filter((op) => (foundA.get(op.path) ?? []).length + (foundB.get(op.path) ?? []).length > 0 || !catalogues.has(op.path));
    for (const op of tenantLists) {
      expect({ path: op.path, a: (foundA.get(op.path) ?? []).length > 0, b: (foundB.get(op.path) ?? []).length > 0 }).toEqual({ path: op.path, a: true, b: true });
    }
  });

  it.each(idOps.map((o) => [o.operationId, o] as const))("%s: with another organisation's ids → 404, nothing changed", async (_id, op) => {
    const fillings = foreignFillings(op);
    expect(fillings.length).toBeGreaterThan(0);
    const before = await dumpDatabase(h.db);
    for (const via of credentialKinds(op)) {
      for (const values of fillings) {
        // The answer with B's ids replaced by ids that exist nowhere: B's must get exactly the same.
        const absent = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, idsB.has(v) ? '00000000-0000-4000-8000-000000000000' : v]));
        const nowhere = await authenticate(call(op, fill(op.path, absent)), via, a);
        expect(nowhere).toHaveStatus(404);
        const res = await authenticate(call(op, fill(op.path, values)), via, a);
        expect([via, values, res.status, res.body.code]).toEqual([via, values, 404, 'NOT_FOUND']);
        expect(res).toHaveStatus(404);
        expect(res.body.error).toBe(nowhere.body.error);
        expect(res.text).not.toContain(b.marker);
      }
    }
    expect(dumpDifferences(before, await dumpDatabase(h.db))).toEqual([]);
  });

  it.each(listOps.map((o) => [o.operationId, o] as const))("%s: only the caller's rows", async (_id, op) => {
    const fillings = paramsOf(op.path).length ? [Object.fromEntries(paramsOf(op.path).map((n) => [n, foundA.get(collectionOf(op.path, n))![0]]))] : [{}];
    for (const via of credentialKinds(op)) {
      for (const values of fillings) {
        let total = Infinity;
        const items: unknown[] = [];
        for (let offset = 0; offset < total; offset += 200) {
          const res: request.Response = await authenticate(h.api.get(`${fill(op.path, values)}?limit=200&offset=${offset}`), via, a).expect(200);
          expect(res.text).not.toContain(b.marker);
          total = res.body.total;
          items.push(...res.body.items);
        }
        expect(total).toBeGreaterThan(0);
        const leaked = allStrings(items).filter((s) => idsB.has(s));
        expect([via, leaked]).toEqual([via, []]);
        // Each item's own id is one of A's rows (a catalogue item has no id).
        const foreign = items.map((i) => (i as { id?: unknown }).id).filter((id): id is string => typeof id === 'string' && UUID.test(id) && !idsA.has(id));
        expect([via, foreign]).toEqual([via, []]);
      }
    }
  });
});
