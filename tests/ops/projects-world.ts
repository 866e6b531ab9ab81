// The projects tests' world: one organisation with a console user of every kind (organisation
// owner and admin; members who are a project's owner, admin, developer and viewer; a member with
// no role in it), keys (organisation-wide, read-only, without project scopes, bound to the
// project, bound to another project), and another organisation with its own project.
import type request from 'supertest';
import { insertSession, quietPool, type Session } from '../helpers/battery-world';
import type pg from 'pg';
import { hashPassword } from '../../src/auth/passwords';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness } from '../helpers/harness';
import { addProjectMember, createProject, createProjectKey, type ProjectRole } from '../helpers/ops-factories';

export type Who = 'orgOwner' | 'orgAdmin' | 'owner' | 'admin' | 'developer' | 'viewer' | 'outsider';

export interface ProjectsWorld {
  h: Harness;
  orgId: string;
  users: Record<Who, { id: string; session: Session }>;
  /** A project where owner/admin/developer/viewer have those roles (created fresh per call). */
  newProject(name?: string): Promise<string>;
  keys: { write: string; read: string; noProjects: string };
  other: { orgId: string; projectId: string; key: string; ownerSession: Session; memberId: string };
}

export const asSession = (t: request.Test, s: Session) => t.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
export const asKey = (t: request.Test, key: string) => t.set('Authorization', `Bearer ${key}`);

let counter = 0;
let sharedHash: Promise<string> | undefined;

/** A user with a membership; one password hash for all (nobody signs in here: sessions are inserted). */
async function insertUser(db: pg.Pool, orgId: string, role: 'owner' | 'admin' | 'member', name: string) {
  sharedHash ??= hashPassword('unused-password');
  const { rows } = await db.query<{ id: string }>('INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id', [
    `${name.replace(/\W+/g, '.').toLowerCase()}.${Math.random().toString(36).slice(2, 10)}@example.test`, name, await sharedHash,
  ]);
  await db.query('INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)', [orgId, rows[0].id, role]);
  return rows[0];
}

export async function startProjectsWorld(): Promise<ProjectsWorld> {
  const h = await startHarness();
  quietPool(h.db);
  const org = await createOrg(h.db, { edition: 'group' });
  const users = {} as ProjectsWorld['users'];
  const orgRoles: Record<Who, 'owner' | 'admin' | 'member'> = { orgOwner: 'owner', orgAdmin: 'admin', owner: 'member', admin: 'member', developer: 'member', viewer: 'member', outsider: 'member' };
  for (const who of Object.keys(orgRoles) as Who[]) {
    const u = await insertUser(h.db, org.id, orgRoles[who], `User ${who}`);
    users[who] = { id: u.id, session: await insertSession(h.db, u.id, org.id) };
  }
  const key = async (scopes: string[]) => (await createApiKey(h.db, { orgId: org.id, scopes, rateLimitPerMinute: 100_000 })).key;
  const keys = {
    write: await key(['projects:read', 'projects:write', 'connections:read', 'runs:read']),
    read: await key(['projects:read']),
    noProjects: await key(['read:catalogue', 'connections:read']),
  };
  const otherOrg = await createOrg(h.db, { edition: 'group' });
  const otherOwner = await insertUser(h.db, otherOrg.id, 'owner', 'Their owner');
  const otherMember = await insertUser(h.db, otherOrg.id, 'member', 'Their member');
  const otherProject = await createProject(h.db, otherOrg.id, { name: 'Theirs', createdBy: otherOwner.id });
  await addProjectMember(h.db, otherOrg.id, otherProject.id, otherOwner.id, 'owner');
  await addProjectMember(h.db, otherOrg.id, otherProject.id, otherMember.id, 'developer');
  const other = {
    orgId: otherOrg.id,
    projectId: otherProject.id,
    key: (await createApiKey(h.db, { orgId: otherOrg.id, scopes: ['projects:read', 'projects:write'], rateLimitPerMinute: 100_000 })).key,
    ownerSession: await insertSession(h.db, otherOwner.id, otherOrg.id),
    memberId: otherMember.id,
  };
  async function newProject(name = `Project ${++counter} ${Math.random().toString(36).slice(2, 8)}`) {
    const p = await createProject(h.db, org.id, { name, createdBy: users.owner.id });
    for (const role of ['owner', 'admin', 'developer', 'viewer'] as ProjectRole[]) await addProjectMember(h.db, org.id, p.id, users[role].id, role, users.owner.id);
    return p.id;
  }
  return { h, orgId: org.id, users, newProject, keys, other };
}

/** A key bound to the project with the given scopes. */
export async function projectKey(w: ProjectsWorld, projectId: string, scopes = ['projects:read', 'projects:write']) {
  return (await createProjectKey(w.h.db, { orgId: w.orgId, projectId, scopes, rateLimitPerMinute: 100_000 })).key;
}

export async function auditOf(w: ProjectsWorld, targetId: string) {
  const { rows } = await w.h.db.query('SELECT action, actor_type, actor_id, target_type, target_id, metadata FROM audit_events WHERE target_id = $1 ORDER BY created_at, id', [targetId]);
  return rows;
}
