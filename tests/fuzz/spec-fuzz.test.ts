// Spec-driven fuzzing (issue 7, part 1): for every operation of the bundled spec, requests
// generated from its schemas — valid ones, and ones with a single planted defect (wrong type,
// out-of-range number, over-long or odd Unicode string, injection string, missing or unknown
// field, malformed UUID or date, duplicated query parameter, malformed JSON). Every response is
// checked against the spec by the harness; here:
//   - never a 5xx;
//   - a planted defect → 400 VALIDATION_ERROR whose details[].loc names where it was planted;
//   - any 400 names at least one field (details[].loc starts with path/query/header/body).
// Seeded and bounded. FUZZ_RUNS=<n> runs longer; FUZZ_SEED=<n> replays a run (`make fuzz`
// picks a fresh one); a failure prints the seed to replay it.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { authenticate, BATTERY_ENV, credentialKinds, insertSession, seedTenant, topUp, type Tenant, type Via, quietPool } from '../helpers/battery-world';
import { createApiKey } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { allScopes, specOps } from '../helpers/spec-ops';
import { collectionOf, harvestIds } from '../helpers/spec-ids';
import { fuzzOp, urlOf, requestArb, type GeneratedRequest, type FuzzOp } from '../helpers/spec-fuzz';

const BASE_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20260517;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 100;
const PARTS = ['path', 'query', 'header', 'body'];

/** Each operation its own seed (derived from the run's), so one can be replayed alone. */
const seedFor = (operationId: string) => createHash('sha256').update(`${BASE_SEED}:${operationId}`).digest().readInt32BE(0);

jest.setTimeout(Math.max(60_000, RUNS * 3_000));

describe(`spec fuzzing (FUZZ_SEED=${BASE_SEED}, FUZZ_RUNS=${RUNS})`, () => {
  let h: Harness;
  let a: Tenant;
  let b: Tenant;
  let found: Map<string, string[]>;
  /** The credentials in use; replaced after any unsafe request (it may have revoked them). */
  let cred: { key: string; session: Tenant['session'] };
  const stats = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    h = await startHarness({ env: BATTERY_ENV, captureLogs: true });
    quietPool(h.db);
    a = await seedTenant(h.db, 'FUZZA');
    b = await seedTenant(h.db, 'FUZZB');
    cred = { key: a.key, session: a.session };
  });
  afterAll(async () => {
    if (process.env.FUZZ_STATS) for (const [id, s] of stats) process.stdout.write(`${id.padEnd(24)} ${JSON.stringify(s)}\n`);
    await h?.close();
  });

  async function freshCredentials() {
    const { key } = await createApiKey(h.db, { orgId: a.orgId, scopes: allScopes(), rateLimitPerMinute: 1_000_000 });
    cred = { key, session: await insertSession(h.db, a.owner.id, a.orgId) };
  }

  async function send(op: FuzzOp, r: GeneratedRequest, via: Via | undefined) {
    let t = h.api[op.method as 'get'](urlOf(op, r));
    if (via) t = authenticate(t, via, cred);
    if (r.body) t = t.set('Content-Type', 'application/json').send('raw' in r.body ? r.body.raw : JSON.stringify(r.body.json));
    const res = await t;
    if (op.method !== 'get') await freshCredentials();
    return res;
  }

  function check(op: FuzzOp, r: GeneratedRequest, res: { status: number; body: any; text: string }) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const s = stats.get(op.operationId) ?? {};
    s[`${r.kind}:${res.status}`] = (s[`${r.kind}:${res.status}`] ?? 0) + 1;
    stats.set(op.operationId, s);
    const said = `${r.kind} request${r.what ? ` (${r.what})` : ''} → ${res.status} ${res.text.slice(0, 600)}`;
    if (res.status >= 500) {
      const logged = h.logs.filter((l) => l.includes(res.body?.request_id) && l.includes('"level":50')).map((l) => l.slice(0, 1500));
      throw new Error(`5xx: ${said}\nserver log:\n${logged.join('\n')}`);
    }
    // Nothing of the other organisation, ever (its names all carry its marker).
    if (res.text.includes(b.marker)) throw new Error(`another organisation's data in the response: ${said}`);
    const locs: unknown[][] = (res.body?.details ?? []).map((d: { loc: unknown[] }) => d.loc);
    if (r.kind === 'invalid') {
      if (res.status !== 400 || res.body.code !== 'VALIDATION_ERROR') throw new Error(`expected 400 VALIDATION_ERROR naming ${JSON.stringify(r.loc)}: ${said}`);
      if (!locs.some((l) => JSON.stringify(l) === JSON.stringify(r.loc))) throw new Error(`400 does not name ${JSON.stringify(r.loc)}: ${said}`);
    } else if (res.status === 400) {
      if (!locs.length || !locs.every((l) => PARTS.includes(String(l[0])))) throw new Error(`400 without a field named in details[].loc: ${said}`);
    }
  }

  // Reads first, deletions last, so the ids found stay alive for as long as possible.
  const order = ['get', 'post', 'put', 'patch', 'delete'];
  const ops = specOps.map(fuzzOp).sort((x, y) => order.indexOf(x.method) - order.indexOf(y.method));
  it.each(ops.map((o) => [o.operationId, o] as const))('%s', async (operationId, op) => {
    await topUp(h.db, a);
    found = await harvestIds(h.api, cred);
    const ids = (param: string) => found.get(collectionOf(op.path, param)) ?? [];
    const vias = credentialKinds(op);
    const seed = seedFor(operationId);
    const property = fc.asyncProperty(requestArb(op, ids), vias.length ? fc.constantFrom(...vias) : fc.constant(undefined), async (r, via) => {
      check(op, r, await send(op, r, via));
    });
    try {
      await fc.assert(property, { seed, numRuns: RUNS, endOnFailure: process.env.FUZZ_SHRINK !== '1' });
    } catch (err) {
      // fast-check 4 keeps the property's own error as `cause`; long counterexamples are cut.
      const msg = (err as Error).message.replace(/(Counterexample: .{1500}).*/, '$1…');
      const cause = (err as { cause?: Error }).cause?.message ?? '';
      throw new Error(`${operationId} failed — replay with FUZZ_SEED=${BASE_SEED} (this operation's fast-check seed: ${seed})\n${msg}\n${cause.slice(0, 3000)}`, { cause: err });
    }
  });

  // The server checks its own responses outside production (VALIDATE_RESPONSES) and logs mismatches.
  const mismatches = () => h.logs.filter((l) => l.includes('response does not match the spec'));
  /** Known false alarm, reported: a 204 has no body, and openapi-backend checks `undefined` against `type: null`. */
  const empty204 = (l: string) => l.includes('"status":204') && l.includes('must be null');

  it("the server's own response check found nothing", () => {
    expect(mismatches().filter((l) => !empty204(l)).slice(0, 5).map((l) => l.slice(0, 600))).toEqual([]);
  });

  // Turns red the day the false alarm is fixed (src/openapi/backend.ts): then make it a plain `it`.
  it('no false alarm for a 204 (logout, deleteWebhook)', () => {
    expect(mismatches().filter(empty204).slice(0, 1).map((l) => l.slice(0, 400))).toEqual([]);
  });

  it('left no credential, stack trace or SQL in the logs', () => {
    const logs = h.logs.join('\n');
    for (const secret of [a.key, a.session.token, cred.key, cred.session.token, a.owner.password, ...a.webhookSecrets]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/(\\n|\n)\s+at \S+ \(?\S+:\d+:\d+/);
    expect(logs).not.toMatch(/\bSELECT\b[\s\S]{0,200}\bFROM\b/);
  });
});
