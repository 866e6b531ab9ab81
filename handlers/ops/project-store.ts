// Projects' SQL shared by their operations: the JSON (sql/functions/ops/projects.sql), the name
// rules, and the refusal of a second project of the same name.
import type pg from 'pg';
import type { components } from '../../generated/openapi-types';
import { ApiError } from '../../src/errors';

export type ProjectJson = components['schemas']['Project'];
export type ProjectMemberJson = components['schemas']['ProjectMember'];

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Surrounding spaces are not part of a name; a name of spaces only is none. */
export function projectName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) {
    throw new ApiError('VALIDATION_ERROR', 'name must not be blank', { details: [{ loc: ['body', 'name'], msg: 'must not be blank', type: 'blank' }] });
  }
  return trimmed;
}

export const nameTaken = () =>
  new ApiError('CONFLICT', 'Another project of the organisation has this name', {
    details: [{ loc: ['body', 'name'], msg: 'another project has this name (case-insensitive)', type: 'unique' }],
  });

/** Runs a write; the unique index on (org_id, lower(name)) becomes a 409 naming `name`. */
export async function withUniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'projects_org_name_key') throw nameTaken();
    throw err;
  }
}

/** One project's JSON, when it exists in the organisation (reach is the caller's check). */
export async function projectJson(db: Queryable, orgId: string, projectId: string): Promise<ProjectJson | null> {
  const { rows } = await db.query(`SELECT ops_project_json(p) AS body FROM projects p WHERE p.org_id = $1 AND p.id = $2`, [orgId, projectId]);
  return rows[0]?.body ?? null;
}

export async function memberJson(db: Queryable, projectId: string, userId: string): Promise<ProjectMemberJson | null> {
  const { rows } = await db.query(`SELECT ops_project_member_json(m) AS body FROM project_members m WHERE m.project_id = $1 AND m.user_id = $2`, [projectId, userId]);
  return rows[0]?.body ?? null;
}

/** Serialises the membership changes of one project (the last-owner rule counts under this lock). */
export async function lockProject(tx: pg.PoolClient, orgId: string, projectId: string): Promise<void> {
  await tx.query('SELECT 1 FROM projects WHERE org_id = $1 AND id = $2 FOR UPDATE', [orgId, projectId]);
}
