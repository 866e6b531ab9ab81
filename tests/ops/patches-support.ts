// The patches tests' world: two organisations; in the first, two projects each with a connection
// (to a real target database when asked), keys (write, read-only, without patch scopes, bound to
// the second project), an owner session, and members holding a project role in the first project.
import { randomBytes } from 'node:crypto';
import { insertSession, type Session } from '../helpers/battery-world';
import type { TestDatabase } from '../helpers/db';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { createProjectKey, insertConnectionRow, insertPatchRow } from '../helpers/ops-factories';
import { createConnection, createTargetDatabase } from './runs-support';

export interface PatchWorld {
  h: Harness;
  orgId: string;
  projectId: string;
  otherProjectId: string;
  /** In projectId (to `target` when the world has one). */
  connectionId: string;
  otherConnectionId: string;
  target: TestDatabase | null;
  /** patches:read + patches:write + runs:read, every project. */
  key: string;
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

const PATCH_SCOPES = ['patches:read', 'patches:write', 'runs:read'];

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
    h, orgId: org.id, projectId, otherProjectId, connectionId, otherConnectionId, target, key: k.key, keyId: k.id, readKey, noPatchKey, otherProjectKey,
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
