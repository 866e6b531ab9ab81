// Project-bound API keys (#17): POST /api/v1/api-keys with project_id — only project scopes
// (Scope's x-project-scopes), only a project of the organisation — and what such a key reaches.
import { randomUUID } from 'node:crypto';
import { projectScopes } from '../../generated/operations';
import { asKey, asSession, auditOf, startProjectsWorld, type ProjectsWorld } from './projects-world';

describe('project-bound API keys', () => {
  let w: ProjectsWorld;
  beforeAll(async () => {
    w = await startProjectsWorld();
  });
  afterAll(() => w.h.close());
  const create = (body: object) => asSession(w.h.api.post('/api/v1/api-keys'), w.users.orgOwner.session).send(body);
  const keysOf = async (projectId: string) => (await w.h.db.query('SELECT id, scopes FROM api_keys WHERE project_id = $1', [projectId])).rows;

  it('the project scopes are the ops ones and nothing organisation-wide', () => {
    expect(projectScopes).toEqual(['projects:read', 'projects:write', 'connections:read', 'connections:write', 'runs:read', 'runs:write', 'patches:read', 'patches:write', 'patches:execute', 'approvals:read']);
  });

  it('creates a key bound to a project: project_id in its JSON, its list entry, its audit event and whoami', async () => {
    const id = await w.newProject();
    const res = await create({ name: 'CI for billing', scopes: ['projects:read', 'connections:read', 'runs:read'], project_id: id }).expect(201);
    expect(res.body.api_key).toMatchObject({ project_id: id, scopes: ['projects:read', 'connections:read', 'runs:read'] });
    expect(await keysOf(id)).toEqual([{ id: res.body.api_key.id, scopes: ['projects:read', 'connections:read', 'runs:read'] }]);
    expect(await auditOf(w, res.body.api_key.id)).toEqual([expect.objectContaining({ action: 'api_key.created', metadata: expect.objectContaining({ project_id: id }) })]);
    const listed = await asSession(w.h.api.get('/api/v1/api-keys?limit=200'), w.users.orgOwner.session).expect(200);
    expect(listed.body.items.find((k: { id: string }) => k.id === res.body.api_key.id).project_id).toBe(id);
    const who = await asKey(w.h.api.get('/api/v1/whoami'), res.body.key).expect(200);
    expect(who.body.api_key.project_id).toBe(id);
    // An organisation-wide key says so.
    const wide = await create({ name: 'wide', scopes: ['projects:read'] }).expect(201);
    expect(wide.body.api_key.project_id).toBeNull();
  });

  it('the key reaches its project only: another project of the organisation is not found', async () => {
    const id = await w.newProject('Bound');
    const other = await w.newProject('Unbound');
    const { body } = await create({ name: 'bound', scopes: ['projects:read', 'projects:write'], project_id: id }).expect(201);
    const list = await asKey(w.h.api.get('/api/v1/projects'), body.key).expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    await asKey(w.h.api.get(`/api/v1/projects/${id}`), body.key).expect(200);
    for (const path of [`/api/v1/projects/${other}`, `/api/v1/projects/${other}/members`, `/api/v1/projects/${other}/permissions`]) {
      expect((await asKey(w.h.api.get(path), body.key).expect(404)).body.error).toBe('Project not found');
    }
    await asKey(w.h.api.patch(`/api/v1/projects/${other}`).send({ name: 'hijacked' }), body.key).expect(404);
    await asKey(w.h.api.delete(`/api/v1/projects/${other}`), body.key).expect(404);
    const { rows } = await w.h.db.query('SELECT name FROM projects WHERE id = $1', [other]);
    expect(rows).toEqual([{ name: 'Unbound' }]);
  });

  it('a scope outside the project scopes is a 400 naming scopes; nothing is created', async () => {
    const id = await w.newProject();
    const res = await create({ name: 'too wide', scopes: ['projects:read', 'read:clients', 'webhooks:write'], project_id: id }).expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ loc: ['body', 'scopes'], msg: 'not a project scope: read:clients, webhooks:write', type: 'project_scope' }] });
    expect(await keysOf(id)).toEqual([]);
  });

  it('a project of another organisation, or none, is a 400 naming project_id; nothing is created', async () => {
    for (const projectId of [w.other.projectId, randomUUID()]) {
      const res = await create({ name: 'elsewhere', scopes: ['projects:read'], project_id: projectId }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ loc: ['body', 'project_id'], type: 'reference' }] });
    }
    expect(await keysOf(w.other.projectId)).toEqual([]);
    const bad = await create({ name: 'x', scopes: ['projects:read'], project_id: 'billing' }).expect(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ loc: ['body', 'project_id'] }));
  });

  it('authentication carries the binding: a revoked project key is refused like any other', async () => {
    const id = await w.newProject();
    const { body } = await create({ name: 'short-lived', scopes: ['projects:read'], project_id: id }).expect(201);
    await asSession(w.h.api.post(`/api/v1/api-keys/${body.api_key.id}/revoke`), w.users.orgOwner.session).expect(200);
    await asKey(w.h.api.get(`/api/v1/projects/${id}`), body.key).expect(401);
  });
});
