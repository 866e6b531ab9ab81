// One place decides what a caller may do in a project. Two questions, in this order:
//   1. can the caller see the project at all? If not: 404, like any id of another tenant;
//   2. does its project role grant the permission? If not: 403 FORBIDDEN.
// API keys and identity-provider users are decided by their scopes (the spec, before the handler);
// here they only need the project in reach: their organisation's, and the key's project when bound.
// Console users: organisation owners and admins act as project owners; members need a project role.
import type pg from 'pg';
import type { Principal } from '../../src/auth/principal';
import { ApiError } from '../../src/errors';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type ProjectRole = 'owner' | 'admin' | 'developer' | 'viewer';

export type ProjectPermission =
  | 'project.read' | 'project.update' | 'project.delete'
  | 'members.read' | 'members.manage'
  | 'connections.read' | 'connections.write'
  | 'runs.read' | 'runs.cancel'
  | 'webhooks.read' | 'webhooks.write';

const VIEWER: readonly ProjectPermission[] = ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read'];
const DEVELOPER: readonly ProjectPermission[] = [...VIEWER, 'connections.write', 'runs.cancel'];
const ADMIN: readonly ProjectPermission[] = [...DEVELOPER, 'project.update', 'members.manage', 'webhooks.write'];

/** The role matrix, as `GET /projects/{id}/permissions` shows it. */
export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, readonly ProjectPermission[]>> = {
  viewer: VIEWER,
  developer: DEVELOPER,
  admin: ADMIN,
  owner: [...ADMIN, 'project.delete'],
};

/**
 * The caller's role in the project, or null when the project is out of its reach (unknown, another
 * organisation's, another project than the key's, or a console member without a role in it).
 * Keys and JWT users in reach are 'owner': their scopes, checked from the spec, are what limits them.
 */
export async function projectRoleOf(db: Queryable, principal: Principal, projectId: string): Promise<ProjectRole | null> {
  if (principal.projectId !== null && principal.projectId !== projectId) return null;
  const { rows } = await db.query<{ role: ProjectRole | null }>(
    `SELECT pm.role
       FROM projects p
       LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = $3
      WHERE p.id = $1 AND p.org_id = $2`,
    [projectId, principal.orgId, principal.kind === 'user' ? principal.userId : null],
  );
  if (rows.length === 0) return null;
  if (principal.kind !== 'user' || principal.role === 'owner' || principal.role === 'admin') return 'owner';
  return rows[0].role;
}

/** 404 when the project is out of reach, 403 when the role lacks the permission; else the role. */
export async function requireProjectPermission(db: Queryable, principal: Principal, projectId: string, permission: ProjectPermission): Promise<ProjectRole> {
  const role = await projectRoleOf(db, principal, projectId);
  if (role === null) throw new ApiError('NOT_FOUND', 'Project not found');
  if (!ROLE_PERMISSIONS[role].includes(permission)) {
    throw new ApiError('FORBIDDEN', `Your project role (${role}) does not allow ${permission}`);
  }
  return role;
}

/**
 * A SQL condition on a `project_id` column keeping the rows the caller can reach, for lists and
 * lookups by id (an unreachable row is a 404). `$n` placeholders start at `firstParam`.
 */
export function reachableProjects(principal: Principal, column: string, firstParam: number): { sql: string; params: unknown[] } {
  if (principal.projectId !== null) return { sql: `${column} = $${firstParam}`, params: [principal.projectId] };
  if (principal.kind !== 'user' || principal.role === 'owner' || principal.role === 'admin') return { sql: 'true', params: [] };
  return {
    sql: `${column} IN (SELECT project_id FROM project_members WHERE user_id = $${firstParam})`,
    params: [principal.userId],
  };
}
