import { randomUUID } from 'node:crypto';
import { ROLE_PERMISSIONS } from '../../handlers/ops/permissions';
import { createApiKey } from '../helpers/factories';
import { asKey, asSession, projectKey, startProjectsWorld, type ProjectsWorld } from './projects-world';

const MATRIX = {
  owner: ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read', 'patches.read', 'approvals.read', 'connections.write', 'runs.cancel', 'patches.write', 'patches.execute', 'project.update', 'members.manage', 'webhooks.write', 'approvals.manage', 'project.delete'],
  admin: ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read', 'patches.read', 'approvals.read', 'connections.write', 'runs.cancel', 'patches.write', 'patches.execute', 'project.update', 'members.manage', 'webhooks.write', 'approvals.manage'],
  developer: ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read', 'patches.read', 'approvals.read', 'connections.write', 'runs.cancel', 'patches.write', 'patches.execute'],
  viewer: ['project.read', 'members.read', 'connections.read', 'runs.read', 'webhooks.read', 'patches.read', 'approvals.read'],
};

describe('GET /api/v1/projects/{project_id}/permissions', () => {
  let w: ProjectsWorld;
  let id: string;
  beforeAll(async () => {
    w = await startProjectsWorld();
    id = await w.newProject();
  });
  afterAll(() => w.h.close());
  const get = (pid = id) => w.h.api.get(`/api/v1/projects/${pid}/permissions`);
  const orgKey = async (scopes: string[]) => (await createApiKey(w.h.db, { orgId: w.orgId, scopes, rateLimitPerMinute: 100_000 })).key;

  it('the matrix is the helper’s (one truth) and written out here (a change is deliberate)', () => {
    expect(ROLE_PERMISSIONS).toEqual(MATRIX);
  });

  it.each([
    ['owner', 'owner', 'project_member'],
    ['admin', 'admin', 'project_member'],
    ['developer', 'developer', 'project_member'],
    ['viewer', 'viewer', 'project_member'],
    ['orgOwner', 'owner', 'organisation_role'],
    ['orgAdmin', 'owner', 'organisation_role'],
  ] as const)('a console %s: role %s from %s, with its permissions and the matrix', async (who, role, source) => {
    const res = await asSession(get(), w.users[who].session).expect(200);
    expect(res.body).toEqual({ project_id: id, role, role_source: source, permissions: MATRIX[role], roles: MATRIX });
  });

  it('an API key: the owner’s permissions its scopes allow, never members.manage', async () => {
    const res = await asKey(get(), w.keys.write).expect(200);
    expect(res.body).toMatchObject({ role: 'owner', role_source: 'credential' });
    // projects:read, projects:write, connections:read, runs:read: no webhook scope, no webhook permission
    expect(res.body.permissions).toEqual(['project.read', 'members.read', 'connections.read', 'runs.read', 'project.update', 'project.delete']);
    const narrow = await asKey(get(), await projectKey(w, id, ['projects:read', 'runs:write'])).expect(200);
    expect(narrow.body.permissions).toEqual(['project.read', 'members.read', 'runs.cancel']);
    // The webhook permissions follow the scopes the project webhook operations require, so what this
    // says is what those operations answer.
    const hooks = await asKey(get(), await orgKey(['projects:read', 'webhooks:read'])).expect(200);
    expect(hooks.body.permissions).toEqual(['project.read', 'members.read', 'webhooks.read']);
    await asKey(w.h.api.get(`/api/v1/projects/${id}/webhooks`), await orgKey(['projects:read', 'webhooks:read'])).expect(200);
    await asKey(w.h.api.get(`/api/v1/projects/${id}/webhooks`), await orgKey(['projects:read'])).expect(403);
  });

  it('not found (404) out of reach', async () => {
    for (const t of [
      asSession(get(), w.users.outsider.session),
      asKey(get(), await projectKey(w, await w.newProject(), ['projects:read'])),
      asKey(get(), w.other.key),
      asKey(get(w.other.projectId), w.keys.read),
      asKey(get(randomUUID()), w.keys.read),
    ]) {
      expect((await t.expect(404)).body.error).toBe('Project not found');
    }
  });

  it('400 for a malformed id, 401 without a credential, 403 without projects:read', async () => {
    const bad = await asKey(get('1'), w.keys.read).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['path', 'project_id'] }));
    await get().expect(401);
    await asKey(get(), w.keys.noProjects).expect(403);
  });
});
