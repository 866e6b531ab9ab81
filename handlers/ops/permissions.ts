// One place decides what a caller may do in a project. Two questions, in this order:
//   1. can the caller see the project at all? If not: 404, like any id of another tenant;
//   2. does its project role grant the permission? If not: 403 FORBIDDEN.
// API keys and identity-provider users are decided by their scopes (the spec, before the handler);
// here they only need the project in reach: their organisation's, and the key's project when bound.
// Console users: organisation owners and admins act as project owners; members need a project role.
import type pg from 'pg';
import type { components } from '../../generated/openapi-types';
import type { Principal } from '../../src/auth/principal';
import type { Sql } from '../../src/db/sql';
import { ApiError } from '../../src/errors';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

// The spec's enums (ProjectRole, ProjectPermission) are the one list: a permission added here
// without the spec (or the reverse) is a type error.
export type ProjectRole = components['schemas']['ProjectRole'];
export type ProjectPermission = components['schemas']['ProjectPermission'];
export type RoleSource = components['schemas']['ProjectPermissions']['role_source'];

const VIEWER: readonly ProjectPermission[] = ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read', 'patches.read', 'approvals.read'];
const DEVELOPER: readonly ProjectPermission[] = [...VIEWER, 'connections.write', 'runs.cancel', 'patches.write', 'patches.execute'];
const ADMIN: readonly ProjectPermission[] = [...DEVELOPER, 'project.update', 'members.manage', 'webhooks.write', 'approvals.manage'];

/** The role matrix, as `GET /projects/{id}/permissions` shows it. */
export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, readonly ProjectPermission[]>> = {
  viewer: VIEWER,
  developer: DEVELOPER,
  admin: ADMIN,
  owner: [...ADMIN, 'project.delete'],
};

/**
 * The scope a credential (API key, identity-provider token) needs for each permission — what its
 * operations declare in the spec. null: no credential may (members are managed by people, with a
 * session). Used to tell a key its effective permissions; the access layer enforces the scopes.
 */
export const PERMISSION_SCOPE: Readonly<Record<ProjectPermission, string | null>> = {
  'project.read': 'projects:read',
  'project.update': 'projects:write',
  'project.delete': 'projects:write',
  'members.read': 'projects:read',
  'members.manage': null,
  'connections.read': 'connections:read',
  'connections.write': 'connections:write',
  'runs.read': 'runs:read',
  'runs.cancel': 'runs:write',
  // The project webhook operations take the webhook scopes (their spec's security), as the
  // organisation's do: a key's effective permissions say what those operations would allow.
  'webhooks.read': 'webhooks:read',
  'webhooks.write': 'webhooks:write',
  'patches.read': 'patches:read',
  'patches.write': 'patches:write',
  'patches.execute': 'patches:execute',
  'approvals.read': 'approvals:read',
  // The policy is changed by people with a session (it decides who must approve what).
  'approvals.manage': null,
};

export interface ProjectAccess {
  role: ProjectRole;
  source: RoleSource;
}

/**
 * The caller's role in the project and where it comes from, or null when the project is out of
 * its reach (unknown, another organisation's, another project than the key's, or a console member
 * without a role in it). Keys and JWT users in reach are 'owner': their scopes limit them.
 */
export async function projectAccessOf(db: Queryable, principal: Principal, projectId: string): Promise<ProjectAccess | null> {
  if (principal.projectId !== null && principal.projectId !== projectId) return null;
  const { rows } = await db.query<{ role: ProjectRole | null }>(
    `SELECT pm.role
       FROM projects p
       LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = $3
      WHERE p.id = $1 AND p.org_id = $2`,
    [projectId, principal.orgId, principal.kind === 'user' ? principal.userId : null],
  );
  if (rows.length === 0) return null;
  if (principal.kind !== 'user') return { role: 'owner', source: 'credential' };
  if (principal.role === 'owner' || principal.role === 'admin') return { role: 'owner', source: 'organisation_role' };
  return rows[0].role ? { role: rows[0].role, source: 'project_member' } : null;
}

/** The caller's role in the project, or null when it is out of reach (see projectAccessOf). */
export async function projectRoleOf(db: Queryable, principal: Principal, projectId: string): Promise<ProjectRole | null> {
  return (await projectAccessOf(db, principal, projectId))?.role ?? null;
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

/** What the caller may do with its role: a credential only what its scopes also allow. */
export function effectivePermissions(principal: Principal, role: ProjectRole): ProjectPermission[] {
  const all = ROLE_PERMISSIONS[role];
  if (principal.kind === 'user') return [...all];
  return all.filter((perm) => {
    const scope = PERMISSION_SCOPE[perm];
    return scope !== null && principal.scopes.includes(scope);
  });
}

/**
 * A SQL condition on a `project_id` column keeping the rows the caller can reach, for lists and
 * lookups by id (an unreachable row is a 404). `$n` placeholders start at `firstParam`. The caller
 * still filters on its organisation.
 */
export function reachableProjects(principal: Principal, column: string, firstParam: number): { sql: string; params: unknown[] } {
  if (principal.projectId !== null) return { sql: `${column} = $${firstParam}`, params: [principal.projectId] };
  if (principal.kind !== 'user' || principal.role === 'owner' || principal.role === 'admin') return { sql: 'true', params: [] };
  return {
    sql: `${column} IN (SELECT project_id FROM project_members WHERE user_id = $${firstParam} AND org_id = $${firstParam + 1})`,
    params: [principal.userId, principal.orgId],
  };
}

/** The same condition as a fragment for the list helper (src/db/list.ts); null when every project is in reach. */
export function reachableProjectsSql(principal: Principal, column: string): Sql | null {
  if (principal.projectId !== null) return { strings: [`${column} = `, ''], values: [principal.projectId] };
  if (principal.kind !== 'user' || principal.role === 'owner' || principal.role === 'admin') return null;
  return {
    strings: [`${column} IN (SELECT project_id FROM project_members WHERE user_id = `, ' AND org_id = ', ')'],
    values: [principal.userId, principal.orgId],
  };
}
