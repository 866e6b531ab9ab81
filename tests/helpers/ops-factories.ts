// Ops factories (seed 002): projects, members, project keys, and connection and run rows written
// straight to the database (migration 11's tables) — for tests that need them to exist, not to be
// made through the API (the API under test is what they assert on).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { canonicalizePatch, contentHash } from '../../handlers/ops/patches/engine';
import { generateApiKey } from '../../src/auth/api-key-format';

type Db = pg.Pool | pg.PoolClient;
export type ProjectRole = 'owner' | 'admin' | 'developer' | 'viewer';
export type RunStatus = 'queued' | 'running' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';

const unique = () => randomBytes(4).toString('hex');

export async function createProject(db: Db, orgId: string, opts: { name?: string; description?: string; createdBy?: string | null } = {}) {
  const { rows } = await db.query<{ id: string; name: string }>(
    'INSERT INTO projects (org_id, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id, name',
    [orgId, opts.name ?? `Project ${unique()}`, opts.description ?? '', opts.createdBy ?? null],
  );
  return rows[0];
}

/** A project role for a user who is already a member of the organisation. */
export async function addProjectMember(db: Db, orgId: string, projectId: string, userId: string, role: ProjectRole, addedBy: string | null = null) {
  await db.query('INSERT INTO project_members (org_id, project_id, user_id, role, added_by) VALUES ($1, $2, $3, $4, $5)', [orgId, projectId, userId, role, addedBy]);
}

/** An API key bound to a project; returns the plaintext key. */
export async function createProjectKey(db: Db, opts: { orgId: string; projectId: string; scopes: string[]; name?: string; rateLimitPerMinute?: number }) {
  const { key, prefix, hash } = generateApiKey();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO api_keys (org_id, project_id, name, prefix, key_hash, scopes, rate_limit_per_minute) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [opts.orgId, opts.projectId, opts.name ?? 'project key', prefix, hash, opts.scopes, opts.rateLimitPerMinute ?? 60],
  );
  return { id: rows[0].id, key };
}

/**
 * A connection row (no password: password_encrypted NULL, so no key is needed). The host is never
 * connected to by this factory; tests that connect pass a real one.
 */
export async function insertConnectionRow(
  db: Db,
  orgId: string,
  projectId: string,
  opts: { name?: string; environment?: 'development' | 'staging' | 'production'; host?: string; port?: number; database?: string; username?: string; readOnly?: boolean; createdBy?: string | null } = {},
) {
  const { rows } = await db.query<{ id: string; name: string }>(
    `INSERT INTO connections (org_id, project_id, name, environment, host, port, database, username, read_only, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, name`,
    [orgId, projectId, opts.name ?? `Connection ${unique()}`, opts.environment ?? 'development', opts.host ?? 'db.example.test', opts.port ?? 5432,
      opts.database ?? 'app', opts.username ?? 'app', opts.readOnly ?? false, opts.createdBy ?? null],
  );
  return rows[0];
}

/** A run row in any status, started by the system unless an actor is given. */
export async function insertRunRow(
  db: Db,
  orgId: string,
  projectId: string,
  opts: { kind?: string; subjectType?: string; subjectId?: string; status?: RunStatus; actorType?: 'user' | 'api_key' | 'system'; actorId?: string | null; params?: object } = {},
) {
  const status = opts.status ?? 'succeeded';
  const started = status !== 'queued';
  const finished = ['succeeded', 'failed', 'cancelled'].includes(status);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO runs (org_id, project_id, kind, subject_type, subject_id, status, params, actor_type, actor_id,
                       started_at, finished_at, error_code)
     VALUES ($1, $2, $3, $4, coalesce($5, gen_random_uuid()), $6, $7, $8, $9,
             CASE WHEN $10 THEN now() END, CASE WHEN $11 THEN now() END, CASE WHEN $6 = 'failed' THEN 'TEST_FAILURE' END)
     RETURNING id`,
    [orgId, projectId, opts.kind ?? 'introspect', opts.subjectType ?? 'connection', opts.subjectId ?? null, status, opts.params ?? {},
      opts.actorType ?? 'system', opts.actorId ?? null, started, finished],
  );
  return rows[0];
}

/**
 * A draft patch row, canonicalised and hashed by the engine exactly as createPatch stores it
 * (so the engine's loadPatch accepts it). Defaults: `UPDATE public.items SET note = 'x' WHERE id < 10`.
 */
export async function insertPatchRow(
  db: Db,
  orgId: string,
  projectId: string,
  connectionId: string,
  opts: { name?: string; table?: string; operation?: 'update' | 'delete'; set?: Record<string, unknown>; where?: string; maxRows?: number; expectedRows?: number | null; status?: string; createdBy?: string | null } = {},
) {
  const operation = opts.operation ?? 'update';
  const where = opts.where ?? 'id < 10';
  const patch = await canonicalizePatch({
    connection_id: connectionId,
    table: opts.table ?? 'public.items',
    operation,
    set: operation === 'update' ? (opts.set ?? { note: 'x' }) : undefined,
    where,
    max_rows: opts.maxRows ?? 1000,
    expected_rows: opts.expectedRows ?? null,
  });
  const { rows } = await db.query<{ id: string; name: string; content_hash: string }>(
    `INSERT INTO patches (org_id, project_id, connection_id, name, table_schema, table_name, operation, set_values, where_input, where_sql,
                          allow_all_rows, max_rows, expected_rows, content_hash, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id, name, content_hash`,
    [orgId, projectId, connectionId, opts.name ?? `Patch ${unique()}`, patch.table.schema, patch.table.name, operation, JSON.stringify(patch.set), where,
      patch.where, patch.allowAllRows, patch.maxRows, patch.expectedRows, contentHash(patch), opts.status ?? 'draft', opts.createdBy ?? null],
  );
  return rows[0];
}

/**
 * An approval request row (migration 13) for a patch, pending unless told otherwise, bound to the
 * patch's current content hash unless another is given.
 */
export async function insertApprovalRow(
  db: Db,
  orgId: string,
  projectId: string,
  patchId: string,
  opts: { action?: 'patch.execute' | 'patch.rollback'; status?: string; subjectHash?: string; environment?: string; affectedRows?: number | null;
    requestedBy?: { type: 'user' | 'api_key'; id: string | null }; requiredApprovals?: number; approverRoles?: string[]; expired?: boolean } = {},
) {
  const status = opts.status ?? 'pending';
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO approval_requests (org_id, project_id, action, subject_type, subject_id, patch_id, subject_hash, environment, affected_rows,
                                    requested_by_type, requested_by_id, required_approvals, approver_roles, status, decided_at, expires_at)
     SELECT $1, $2, $3, 'patch', p.id, p.id, coalesce($5, p.content_hash), $6, $7, $8, $9, $10, $11, $12,
            CASE WHEN $12 IN ('approved', 'rejected') THEN now() END,
            CASE WHEN $13 THEN now() - interval '1 hour' ELSE now() + interval '72 hours' END
       FROM patches p WHERE p.org_id = $1 AND p.id = $4
     RETURNING id`,
    [orgId, projectId, opts.action ?? 'patch.execute', patchId, opts.subjectHash ?? null, opts.environment ?? 'production', opts.affectedRows ?? null,
      opts.requestedBy?.type ?? 'user', opts.requestedBy?.id ?? null, opts.requiredApprovals ?? 1, opts.approverRoles ?? ['owner', 'admin'], status, opts.expired ?? false],
  );
  return rows[0];
}
