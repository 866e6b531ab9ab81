// The rules of changing a project's members, shared by add, update and remove:
//   - members are managed by people: a console session with `members.manage` (the spec lets no
//     API key in; a JWT user has no row of ours to be accountable);
//   - the `owner` role is granted, changed or taken away by an owner only (a project admin
//     cannot make itself or anyone an owner, nor demote one);
//   - a project that has owners keeps at least one (409), counted under the project's row lock.
import type pg from 'pg';
import type { Principal } from '../../src/auth/principal';
import { ApiError, notFound } from '../../src/errors';
import { requireProjectPermission, type ProjectRole } from './permissions';
import { lockProject } from './project-store';

/** Checks the caller may manage members, then locks the project; returns the caller's role. */
export async function beginMemberChange(tx: pg.PoolClient, p: Principal, projectId: string): Promise<ProjectRole> {
  const role = await requireProjectPermission(tx, p, projectId, 'members.manage');
  await lockProject(tx, p.orgId, projectId);
  return role;
}

export function checkOwnerChange(callerRole: ProjectRole, ...roles: Array<ProjectRole | undefined>): void {
  if (callerRole !== 'owner' && roles.includes('owner')) {
    throw new ApiError('FORBIDDEN', 'Only a project owner can grant, change or remove the owner role');
  }
}

/** The member's current role (404 when the user is not a member of the project), locked. */
export async function currentRole(tx: pg.PoolClient, projectId: string, userId: string): Promise<ProjectRole> {
  const { rows } = await tx.query<{ role: ProjectRole }>('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2 FOR UPDATE', [projectId, userId]);
  if (!rows[0]) throw notFound('Project member');
  return rows[0].role;
}

/** Refuses to leave the project without an owner when the member was its last one. */
export async function keepAnOwner(tx: pg.PoolClient, projectId: string, from: ProjectRole, to: ProjectRole | null): Promise<void> {
  if (from !== 'owner' || to === 'owner') return;
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM project_members WHERE project_id = $1 AND role = 'owner'`, [projectId]);
  if (rows[0].n <= 1) throw new ApiError('CONFLICT', 'This is the last owner of the project: make another member owner first');
}
