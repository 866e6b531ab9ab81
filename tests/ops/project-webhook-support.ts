// Project webhook tests' world: an organisation with two projects, keys, console users with each
// project role, another organisation, and a loopback receiver (tests/webhooks/support.ts).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createApiKey, createOrg, createUser, signIn } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { insertRunRow } from '../helpers/ops-factories';
import { INSECURE_ENV, startReceiver, type Receiver } from '../webhooks/support';

export type { Receiver };

/** A project straight in the database (the projects API is under test elsewhere). */
export async function insertProject(db: pg.Pool, orgId: string, name = `Project ${randomBytes(3).toString('hex')}`): Promise<string> {
  const { rows } = await db.query('INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING id', [orgId, name]);
  return rows[0].id;
}

export const PROJECT_WEBHOOK_SCOPES = ['webhooks:read', 'webhooks:write', 'runs:read'];

export interface Session {
  cookie: string;
  csrf: string;
}

export interface ProjectWorld {
  h: Harness;
  orgId: string;
  projectId: string;
  /** Another project of the same organisation. */
  otherProjectId: string;
  /** webhooks:read, webhooks:write, runs:read. */
  key: string;
  /** The webhooks scopes without runs:read. */
  keyWithoutRuns: string;
  readOnlyKey: string;
  /** Console sessions: org owner, org admin, org members with each project role, a member with none. */
  sessions: Record<'orgOwner' | 'orgAdmin' | 'owner' | 'admin' | 'developer' | 'viewer' | 'outsider', Session>;
  other: { orgId: string; projectId: string; key: string };
  receiver: Receiver;
}

async function memberWithRole(h: Harness, orgId: string, projectId: string, role: string | null): Promise<Session> {
  const user = await createUser(h.db, { orgId, role: 'member' });
  if (role) await h.db.query('INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [orgId, projectId, user.id, role]);
  return signIn(h.api, user);
}

export async function startProjectWorld(opts: { clock?: () => Date } = {}): Promise<ProjectWorld> {
  const h = await startHarness({ env: INSECURE_ENV, clock: opts.clock });
  const org = await createOrg(h.db);
  const projectId = await insertProject(h.db, org.id, 'Shop');
  const otherProjectId = await insertProject(h.db, org.id, 'Warehouse');
  const key = (await createApiKey(h.db, { orgId: org.id, scopes: PROJECT_WEBHOOK_SCOPES, rateLimitPerMinute: 10_000 })).key;
  const keyWithoutRuns = (await createApiKey(h.db, { orgId: org.id, scopes: ['webhooks:read', 'webhooks:write'], rateLimitPerMinute: 10_000 })).key;
  const readOnlyKey = (await createApiKey(h.db, { orgId: org.id, scopes: ['webhooks:read', 'runs:read'], rateLimitPerMinute: 10_000 })).key;
  const sessions = {
    orgOwner: await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'owner' })),
    orgAdmin: await signIn(h.api, await createUser(h.db, { orgId: org.id, role: 'admin' })),
    owner: await memberWithRole(h, org.id, projectId, 'owner'),
    admin: await memberWithRole(h, org.id, projectId, 'admin'),
    developer: await memberWithRole(h, org.id, projectId, 'developer'),
    viewer: await memberWithRole(h, org.id, projectId, 'viewer'),
    outsider: await memberWithRole(h, org.id, otherProjectId, 'owner'),
  };
  const otherOrg = await createOrg(h.db);
  const other = {
    orgId: otherOrg.id,
    projectId: await insertProject(h.db, otherOrg.id, 'Shop'),
    key: (await createApiKey(h.db, { orgId: otherOrg.id, scopes: PROJECT_WEBHOOK_SCOPES, rateLimitPerMinute: 10_000 })).key,
  };
  return { h, orgId: org.id, projectId, otherProjectId, key, keyWithoutRuns, readOnlyKey, sessions, other, receiver: await startReceiver() };
}

/** The describe block's world, started before its tests and closed after them. */
export function useProjectWorld(assign: (w: ProjectWorld) => void, opts: Parameters<typeof startProjectWorld>[0] = {}): void {
  let w: ProjectWorld | undefined;
  beforeAll(async () => {
    w = await startProjectWorld(opts);
    assign(w);
  });
  afterAll(async () => {
    await w?.receiver.close();
    await w?.h.close();
  });
}

export const webhooksPath = (projectId: string) => `/api/v1/projects/${projectId}/webhooks`;

/** Creates a project subscription through the API with the world's key; returns {webhook, secret}. */
export async function createProjectWebhookVia(w: ProjectWorld, body: Record<string, unknown> = {}, projectId = w.projectId, key = w.key) {
  const res = await w.h.api.post(webhooksPath(projectId)).set('X-API-Key', key).send({ url: w.receiver.url, events: ['run.succeeded'], ...body }).expect(201);
  return res.body as { webhook: { id: string; project_id: string; url: string; events: string[]; active: boolean; [k: string]: unknown }; secret: string };
}

/** An organisation-level subscription straight in the database (for the "never the other's" checks). */
export async function insertOrgWebhook(db: pg.Pool, orgId: string, url: string): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO webhook_endpoints (org_id, url, events, secret_encrypted) VALUES ($1, $2, '{client.created}', '\\x00') RETURNING id`,
    [orgId, url],
  );
  return rows[0].id;
}

/**
 * A run of the project created in a final status: the trigger on runs publishes `run.<status>` to
 * every active endpoint of the project subscribed to it (sql/functions/ops/run-events.sql). Returns
 * the delivery made for `endpointId` (pending, due now).
 */
export async function publishRunEvent(w: ProjectWorld, endpointId: string, status: 'succeeded' | 'failed' | 'cancelled' = 'succeeded', projectId = w.projectId) {
  const run = await insertRunRow(w.h.db, w.orgId, projectId, { status });
  const { rows } = await w.h.db.query(
    `SELECT d.id, d.event_id, d.status, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
      WHERE d.endpoint_id = $1 AND e.data ->> 'id' = $2`,
    [endpointId, run.id],
  );
  expect(rows).toHaveLength(1);
  return rows[0] as { id: string; event_id: string; status: string; type: string };
}
