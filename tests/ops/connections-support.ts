// The connections tests' world: two organisations; in the first, two projects, an all-scope key,
// a read-only key, an owner session, and members holding a project role in the first project
// only. Target databases are real, created per test on the test server and dropped after.
import { randomBytes } from 'node:crypto';
import { handlers } from '../../handlers';
import type { ConnectionRow } from '../../handlers/ops/target/connect-target';
import type { HandlerMap } from '../../src/handler';
import { insertSession, type Session } from '../helpers/battery-world';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createApiKey, createOrg, createUser } from '../helpers/factories';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness';

export const OPS_SCOPES = ['projects:read', 'projects:write', 'connections:read', 'connections:write', 'runs:read', 'runs:write'];

export interface ConnWorld {
  h: Harness;
  orgId: string;
  projectId: string;
  otherProjectId: string;
  /** connections:read + write, every project. */
  key: string;
  readKey: string;
  owner: Session;
  /** Members with a project role in `projectId` only. */
  viewer: Session;
  developer: Session;
  other: { orgId: string; projectId: string; key: string };
}

export async function insertProject(h: Harness, orgId: string, name = `P ${randomBytes(3).toString('hex')}`): Promise<string> {
  const { rows } = await h.db.query('INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING id', [orgId, name]);
  return rows[0].id;
}

async function member(h: Harness, orgId: string, projectId: string, role: string): Promise<Session> {
  const user = await createUser(h.db, { orgId, role: 'member' });
  await h.db.query('INSERT INTO project_members (org_id, project_id, user_id, role) VALUES ($1, $2, $3, $4)', [orgId, projectId, user.id, role]);
  return insertSession(h.db, user.id, orgId);
}

export async function startConnWorld(opts: HarnessOptions = {}): Promise<ConnWorld> {
  const h = await startHarness({ ...opts, env: { RATE_LIMIT_ORG_PER_MINUTE: '1000000', SESSION_RATE_LIMIT_PER_MINUTE: '1000000', ...opts.env } });
  const org = await createOrg(h.db, {});
  const projectId = await insertProject(h, org.id, 'Shop');
  const otherProjectId = await insertProject(h, org.id, 'Warehouse');
  const { key } = await createApiKey(h.db, { orgId: org.id, scopes: OPS_SCOPES, rateLimitPerMinute: 100_000 });
  const { key: readKey } = await createApiKey(h.db, { orgId: org.id, scopes: ['connections:read'], rateLimitPerMinute: 100_000 });
  const ownerUser = await createUser(h.db, { orgId: org.id, role: 'owner' });
  const owner = await insertSession(h.db, ownerUser.id, org.id);
  const viewer = await member(h, org.id, projectId, 'viewer');
  const developer = await member(h, org.id, projectId, 'developer');
  const org2 = await createOrg(h.db, {});
  const other = {
    orgId: org2.id,
    projectId: await insertProject(h, org2.id, 'Shop'),
    key: (await createApiKey(h.db, { orgId: org2.id, scopes: OPS_SCOPES, rateLimitPerMinute: 100_000 })).key,
  };
  return { h, orgId: org.id, projectId, otherProjectId, key, readKey, owner, viewer, developer, other };
}

/**
 * The server the test databases live on, as a target: 127.0.0.1:5432 with trust authentication
 * (the local service), or the embedded PostgreSQL on its own port with a password (CI's second pass).
 */
export function testServer(): { host: string; port: number; username: string; password: string | null } {
  const u = new URL(process.env.AURA_TEST_ADMIN_URL!);
  return { host: u.hostname, port: Number(u.port || 5432), username: decodeURIComponent(u.username || 'postgres'), password: u.password ? decodeURIComponent(u.password) : null };
}

/** Connection fields that reach the test server for real (its port, and its password when it has one). */
export function realTarget(database: string): Record<string, unknown> {
  const { host, port, username, password } = testServer();
  return { host, port, username, database, ...(password ? { password } : {}) };
}

/** A fresh empty database on the test server (127.0.0.1:5432, trust authentication); the caller drops it. */
export function createTarget(): Promise<TestDatabase> {
  return createTestDatabase({ empty: true });
}

/** The fields to create a connection (by default to a database on the test server). */
export function connectionBody(projectId: string, over: Record<string, unknown> = {}) {
  return {
    project_id: projectId,
    name: `db ${randomBytes(3).toString('hex')}`,
    environment: 'staging',
    host: '127.0.0.1',
    port: 5432,
    database: 'target',
    username: 'postgres',
    ssl_mode: 'disable',
    ...over,
  };
}

export async function createConnectionVia(w: ConnWorld, over: Record<string, unknown> = {}, projectId = w.projectId) {
  const res = await w.h.api.post('/api/v1/connections').set('X-API-Key', w.key).send(connectionBody(projectId, over)).expect(201);
  return res.body as { id: string; project_id: string; name: string; host: string; password_set: boolean };
}

export async function storedRow(w: ConnWorld, id: string): Promise<ConnectionRow & Record<string, unknown>> {
  const { rows } = await w.h.db.query('SELECT * FROM connections WHERE id = $1', [id]);
  return rows[0];
}

/**
 * The connection handlers as a key bound to `projectId` calls them (principal.projectId set).
 * Binding keys to projects at authentication is ops-projects' part; this proves the handlers'
 * side, whatever sets it.
 */
export function asProjectKey(projectId: string, base: HandlerMap = handlers): HandlerMap {
  const wrapped: Record<string, unknown> = { ...base };
  for (const [id, fn] of Object.entries(base)) {
    if (!/Connection/.test(id)) continue;
    const call = fn as (ctx: { principal: object | null }, req: unknown) => Promise<unknown>;
    wrapped[id] = (ctx: { principal: object | null }, req: unknown) => call({ ...ctx, principal: ctx.principal && { ...ctx.principal, projectId } }, req);
  }
  return wrapped as unknown as HandlerMap;
}

/** A resolver answering from a table (recording each question) instead of DNS. */
export function fakeLookup(answers: Record<string, string[] | string[][]>) {
  const asked: string[] = [];
  const lookup = async (name: string): Promise<string[]> => {
    asked.push(name);
    const a = answers[name];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    // A list of lists: successive answers (a rebinding resolver), the last one repeated.
    if (Array.isArray(a[0])) {
      const seq = a as string[][];
      return seq[Math.min(asked.filter((n) => n === name).length - 1, seq.length - 1)];
    }
    return a as string[];
  };
  return { lookup, asked };
}
