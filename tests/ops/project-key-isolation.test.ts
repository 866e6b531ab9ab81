// Project isolation for project-bound keys, generated from the spec like tests/security's tenant
// isolation: an organisation with two projects (tests/helpers/battery-world.ts), and a key bound
// to the first holding every project scope. For every operation such a key may call:
//   - with the other project's ids (alone, and mixed with its own project's) → 404 NOT_FOUND, the
//     same answer as for ids that exist nowhere, and not one row of the database changed;
//   - every list → none of the other project's ids, and not empty.
// Operations added later (connections, runs, project webhooks…) are covered without new test code.
import { projectScopes } from '../../generated/operations';
import { BATTERY_ENV, quietPool, seedTenant, type Tenant } from '../helpers/battery-world';
import { allStrings, dumpDatabase, dumpDifferences } from '../helpers/db-dump';
import { startHarness, type Harness } from '../helpers/harness';
import { collectionOf, fill, harvestIds, listOps } from '../helpers/spec-ids';
import { requiredHeadersFor, specOps, type SpecOp } from '../helpers/spec-ops';

const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const SCOPES: readonly string[] = projectScopes;
/** What a project key may call: its scopes are all project scopes. */
const keyOps = specOps.filter((o) => o.keyScopes !== null && o.keyScopes.every((s) => SCOPES.includes(s)));
const keyIdOps = keyOps.filter((o) => o.path.includes('{'));
const keyListOps = listOps.filter((o) => keyOps.includes(o));
const NOWHERE = '00000000-0000-4000-8000-000000000000';

/** Every id of the project's rows: the project, rows with its project_id, its members' user ids. */
async function idsOfProject(h: Harness, projectId: string): Promise<Set<string>> {
  const ids = new Set([projectId]);
  const { rows: tables } = await h.db.query<{ name: string }>(
    `SELECT c.table_name AS name FROM information_schema.columns c JOIN information_schema.columns i
        ON i.table_schema = c.table_schema AND i.table_name = c.table_name AND i.column_name = 'id'
      WHERE c.table_schema = 'public' AND c.column_name = 'project_id'`,
  );
  for (const { name } of tables) {
    for (const r of (await h.db.query(`SELECT id::text AS id FROM ${name} WHERE project_id = $1`, [projectId])).rows) ids.add(r.id);
  }
  for (const r of (await h.db.query('SELECT user_id::text AS id FROM project_members WHERE project_id = $1', [projectId])).rows) ids.add(r.id);
  return ids;
}

describe('project keys: another project’s ids are not found', () => {
  let h: Harness;
  let a: Tenant;
  let found: Map<string, string[]>;
  let own: Set<string>;
  let others: Set<string>;

  beforeAll(async () => {
    h = await startHarness({ env: BATTERY_ENV });
    quietPool(h.db);
    a = await seedTenant(h.db, 'PKEYA');
    found = await harvestIds(h.api, a);
    own = await idsOfProject(h, a.ops.projectId);
    others = await idsOfProject(h, a.ops.otherProjectId);
    // A user in both projects (the owner) belongs to neither side.
    for (const id of [...own]) if (others.has(id)) { own.delete(id); others.delete(id); }
  });
  afterAll(() => h?.close());

  const call = (op: SpecOp, url: string) => {
    const t = h.api[op.method as 'get'](url).set('Authorization', `Bearer ${a.ops.projectKey}`).set(requiredHeadersFor(op));
    return op.hasBody ? t.send((op.exampleBody ?? {}) as object) : t;
  };

  /** Path values with at least one id of the other project, the rest from the key's own. */
  function foreignFillings(op: SpecOp): Array<Record<string, string>> {
    let combos: Array<Record<string, { id: string; theirs: boolean }>> = [{}];
    for (const n of paramsOf(op.path)) {
      const ids = found.get(collectionOf(op.path, n)) ?? [];
      const options = [
        ...ids.filter((id) => own.has(id)).slice(0, 1).map((id) => ({ id, theirs: false })),
        ...ids.filter((id) => others.has(id)).slice(0, 1).map((id) => ({ id, theirs: true })),
      ];
      combos = combos.flatMap((c) => options.map((o) => ({ ...c, [n]: o })));
    }
    return combos.filter((c) => Object.values(c).some((v) => v.theirs)).map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.id])));
  }

  it('the key may call the projects operations at least (else the checks below prove little)', () => {
    expect(keyIdOps.map((o) => o.operationId)).toEqual(expect.arrayContaining(['getProject', 'updateProject', 'deleteProject', 'listProjectMembers', 'getProjectPermissions']));
  });

  it.each(keyIdOps.map((o) => [o.operationId, o] as const))('%s: with the other project’s ids → 404, nothing changed', async (_id, op) => {
    const fillings = foreignFillings(op);
    expect(fillings.length).toBeGreaterThan(0);
    const before = await dumpDatabase(h.db);
    for (const values of fillings) {
      const absent = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, others.has(v) ? NOWHERE : v]));
      const nowhere = await call(op, fill(op.path, absent));
      expect(nowhere).toHaveStatus(404);
      const res = await call(op, fill(op.path, values));
      expect([values, res.status, res.body.code]).toEqual([values, 404, 'NOT_FOUND']);
      expect(res).toHaveStatus(404);
      expect(res.body.error).toBe(nowhere.body.error);
    }
    expect(dumpDifferences(before, await dumpDatabase(h.db))).toEqual([]);
  });

  it.each(keyListOps.map((o) => [o.operationId, o] as const))('%s: nothing of the other project', async (_id, op) => {
    const values = Object.fromEntries(paramsOf(op.path).map((n) => [n, (found.get(collectionOf(op.path, n)) ?? []).find((id) => own.has(id))!]));
    const res = await h.api.get(`${fill(op.path, values)}?limit=200`).set('Authorization', `Bearer ${a.ops.projectKey}`).expect(200);
    expect(res.body.total).toBeGreaterThan(0);
    expect(allStrings(res.body.items).filter((s) => others.has(s))).toEqual([]);
  });
});
