// The patches tests' world: two organisations; in the first, two projects each with a connection
// (to a real target database when asked), keys (write, read-only, without patch scopes, bound to
// the second project), an owner session, and members holding a project role in the first project.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { insertSession, type Session } from '../helpers/battery-world';
import type { TestDatabase } from '../helpers/db';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createProjectKey, insertConnectionRow, insertPatchRow } from '../helpers/ops-factories';
import { createConnection, createTargetDatabase, waitFor } from './runs-support';

export interface PatchWorld {
  h: Harness;
  orgId: string;
  projectId: string;
  otherProjectId: string;
  /** In projectId (to `target` when the world has one). */
  connectionId: string;
  otherConnectionId: string;
  target: TestDatabase | null;
  /** patches:read + patches:write + patches:execute + runs:read, every project. */
  key: string;
  /** patches:read + patches:write + runs:read: no patches:execute. */
  writeKey: string;
  keyId: string;
  readKey: string;
  /** Every ops scope but the patch ones. */
  noPatchKey: string;
  /** Bound to otherProjectId, with the patch scopes. */
  otherProjectKey: string;
  owner: Session;
  ownerId: string;
  viewer: Session;
  developer: Session;
  other: { orgId: string; projectId: string; connectionId: string; key: string };
  close(): Promise<void>;
}

const PATCH_SCOPES = ['patches:read', 'patches:write', 'patches:execute', 'runs:read'];

async function member(h: Harness, orgId: string, projectId: string, role: string): Promise<Session> {
  const user = await createUser(h.db, { orgId, role: 'member' });
  await h.db.query('INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [orgId, projectId, user.id, role]);
  return insertSession(h.db, user.id, orgId);
}

const project = async (h: Harness, orgId: string, name: string) =>
  (await h.db.query<{ id: string }>('INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING id', [orgId, `${name} ${randomBytes(3).toString('hex')}`])).rows[0].id;

export async function startPatchWorld(opts: { target?: boolean } = {}): Promise<PatchWorld> {
  const h = await startHarness({ env: { RATE_LIMIT_ORG_PER_MINUTE: '1000000', SESSION_RATE_LIMIT_PER_MINUTE: '1000000' } });
  const org = await createOrg(h.db, {});
  const projectId = await project(h, org.id, 'Shop');
  const otherProjectId = await project(h, org.id, 'Warehouse');
  const target = opts.target ? await createTargetDatabase() : null;
  const connectionId = target ? await createConnection(h.db, org.id, projectId, target) : (await insertConnectionRow(h.db, org.id, projectId)).id;
  const otherConnectionId = (await insertConnectionRow(h.db, org.id, otherProjectId)).id;
  const k = await createApiKey(h.db, { orgId: org.id, scopes: PATCH_SCOPES, rateLimitPerMinute: 100_000 });
  const readKey = (await createApiKey(h.db, { orgId: org.id, scopes: ['patches:read'], rateLimitPerMinute: 100_000 })).key;
  const writeKey = (await createApiKey(h.db, { orgId: org.id, scopes: ['patches:read', 'patches:write', 'runs:read'], rateLimitPerMinute: 100_000 })).key;
  const noPatchKey = (await createApiKey(h.db, {
    orgId: org.id, scopes: ['projects:read', 'projects:write', 'connections:read', 'connections:write', 'runs:read', 'runs:write'], rateLimitPerMinute: 100_000,
  })).key;
  const otherProjectKey = (await createProjectKey(h.db, { orgId: org.id, projectId: otherProjectId, scopes: PATCH_SCOPES, rateLimitPerMinute: 100_000 })).key;
  const ownerUser = await createUser(h.db, { orgId: org.id, role: 'owner' });
  const owner = await insertSession(h.db, ownerUser.id, org.id);
  const viewer = await member(h, org.id, projectId, 'viewer');
  const developer = await member(h, org.id, projectId, 'developer');
  const org2 = await createOrg(h.db, {});
  const p2 = await project(h, org2.id, 'Shop');
  const other = {
    orgId: org2.id,
    projectId: p2,
    connectionId: (await insertConnectionRow(h.db, org2.id, p2)).id,
    key: (await createApiKey(h.db, { orgId: org2.id, scopes: PATCH_SCOPES, rateLimitPerMinute: 100_000 })).key,
  };
  return {
    h, orgId: org.id, projectId, otherProjectId, connectionId, otherConnectionId, target, key: k.key, keyId: k.id, readKey, writeKey, noPatchKey, otherProjectKey,
    owner, ownerId: ownerUser.id, viewer, developer, other,
    close: async () => {
      await h.close();
      await target?.drop();
    },
  };
}

/** A draft patch in the world's first project (or the given one), written straight to the database. */
export const seedPatch = (w: PatchWorld, opts: Parameters<typeof insertPatchRow>[4] & { projectId?: string; connectionId?: string; orgId?: string } = {}) =>
  insertPatchRow(w.h.db, opts.orgId ?? w.orgId, opts.projectId ?? w.projectId, opts.connectionId ?? w.connectionId, opts);

export const asSession = <T extends { set(k: string, v: string): T }>(t: T, s: Session): T => t.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);

export const patchBody = (connectionId: string, over: Record<string, unknown> = {}) => ({
  connection_id: connectionId,
  name: 'Close old carts',
  table: 'public.items',
  operation: 'update',
  set: { note: 'closed' },
  where: "kind = 'old' and id < 100",
  max_rows: 1000,
  ...over,
});

export const countPatches = async (w: PatchWorld) => (await w.h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patches')).rows[0].n;

/** The run once it is over (succeeded, failed or cancelled), through the API. */
export const finishedRun = (w: PatchWorld, runId: string, timeoutMs?: number) =>
  waitFor(async () => {
    const body = (await w.h.api.get(`/api/v1/runs/${runId}`).set('X-API-Key', w.key).expect(200)).body;
    return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `run ${runId} to finish`, timeoutMs);

/** A real dry-run through the API (a worker must be running); returns its run. */
export async function dryRunThroughApi(w: PatchWorld, patchId: string) {
  const res = await w.h.api.post(`/api/v1/patches/${patchId}/dry-run`).set('X-API-Key', w.key).expect(202);
  const run = await finishedRun(w, res.body.id);
  if (run.status !== 'succeeded') throw new Error(`dry-run ${run.status}: ${JSON.stringify(run.error)}`);
  return run;
}

/** A fresh last_dry_run of the patch's current content, written straight (for the precondition tests). */
export async function fakeDryRun(w: PatchWorld, patchId: string, over: { contentHash?: string; minutesAgo?: number; affectedRows?: number } = {}) {
  await w.h.db.query(
    `UPDATE patches SET last_dry_run = jsonb_build_object('run_id', gen_random_uuid(), 'content_hash', coalesce($2, content_hash), 'affected_rows', $4::int,
            'samples', '[]'::jsonb, 'at', to_char((now() - make_interval(mins => $3)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      WHERE id = $1`,
    [patchId, over.contentHash ?? null, over.minutesAgo ?? 0, over.affectedRows ?? 0],
  );
}

/** md5 of the table's rows in order (the checksum), and the row count. */
export async function tableChecksum(client: pg.Client, table: string): Promise<{ sum: string; n: number }> {
  return (await client.query(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS sum, count(*)::int AS n FROM ${table} t`)).rows[0];
}

/** A target client for the world's target database. */
export async function targetClient(w: PatchWorld): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: w.target!.url });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** A project webhook of the world's project (or the given one) subscribed to `events`, straight in the database. */
export async function insertProjectEndpoint(w: PatchWorld, events: string[], projectId = w.projectId): Promise<string> {
  const { rows } = await w.h.db.query(
    `INSERT INTO webhook_endpoints (org_id, project_id, url, events, secret_encrypted) VALUES ($1, $2, 'https://example.com/hook', $3, '\\x00') RETURNING id`,
    [w.orgId, projectId, events],
  );
  return rows[0].id;
}
