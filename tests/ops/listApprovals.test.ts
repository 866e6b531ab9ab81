// GET /api/v1/approvals: newest first, filters, cursor or offset, only the projects in reach.
import { asSession } from './patches-support';
import { openRequest, startApprovalWorld, type ApprovalWorld } from './approvals-support';
import { insertApprovalRow, insertConnectionRow, insertPatchRow } from '../helpers/ops-factories';

let w: ApprovalWorld;
let mine: string[];
let otherProjectIds: string[];
let theirs: string;
beforeAll(async () => {
  w = await startApprovalWorld();
  mine = [];
  for (let i = 0; i < 3; i++) mine.push((await openRequest(w)).approvalId);
  await w.h.db.query(`UPDATE approval_requests SET status = 'approved', decided_at = now() WHERE id = $1`, [mine[0]]);
  const conn = await insertConnectionRow(w.h.db, w.orgId, w.otherProjectId, { environment: 'production' });
  const p = await insertPatchRow(w.h.db, w.orgId, w.otherProjectId, conn.id);
  otherProjectIds = [(await insertApprovalRow(w.h.db, w.orgId, w.otherProjectId, p.id)).id];
  const theirConn = await insertConnectionRow(w.h.db, w.other.orgId, w.other.projectId);
  const theirPatch = await insertPatchRow(w.h.db, w.other.orgId, w.other.projectId, theirConn.id);
  theirs = (await insertApprovalRow(w.h.db, w.other.orgId, w.other.projectId, theirPatch.id)).id;
});
afterAll(() => w.close());

const list = (query = '', key = w.approvalsKey) => w.h.api.get(`/api/v1/approvals${query}`).set('X-API-Key', key);
const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

it('newest first over every project in reach, never another organisation’s', async () => {
  const res = await list().expect(200);
  expect(ids(res.body)).toEqual([...otherProjectIds, ...[...mine].reverse()]);
  expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0, next_cursor: null });
  expect(ids(res.body)).not.toContain(theirs);
});

it('filters: project_id, status, subject_id', async () => {
  expect(ids((await list(`?project_id=${w.projectId}`).expect(200)).body)).toEqual([...mine].reverse());
  expect(ids((await list('?status=approved').expect(200)).body)).toEqual([mine[0]]);
  const subject = (await w.h.db.query('SELECT subject_id FROM approval_requests WHERE id = $1', [mine[1]])).rows[0].subject_id;
  expect(ids((await list(`?subject_id=${subject}`).expect(200)).body)).toEqual([mine[1]]);
  expect((await list(`?project_id=${w.other.projectId}`).expect(200)).body.items).toEqual([]);
});

it('a cursor walks every row once; offset pages too', async () => {
  const first = await list('?limit=2').expect(200);
  expect(first.body.next_cursor).toEqual(expect.any(String));
  const second = await list(`?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`).expect(200);
  expect([...ids(first.body), ...ids(second.body)]).toEqual(ids((await list().expect(200)).body));
  expect(second.body.next_cursor).toBeNull();
  expect(ids((await list('?limit=2&offset=2').expect(200)).body)).toEqual(ids(second.body));
});

it('a key bound to the other project, and a member with a role in one project, see only theirs', async () => {
  expect(ids((await list('', w.otherProjectApprovalsKey).expect(200)).body)).toEqual(otherProjectIds);
  const asViewer = await asSession(w.h.api.get('/api/v1/approvals'), w.viewerPerson.session).expect(200);
  expect(ids(asViewer.body)).toEqual([...mine].reverse());
});

it('400 for a bad filter or limit, 403 without approvals:read, 401 without a credential', async () => {
  expect((await list('?status=maybe').expect(400)).body.details).toContainEqual(expect.objectContaining({ loc: ['query', 'status'] }));
  await list('?limit=500').expect(400);
  expect((await list('', w.key).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  await w.h.api.get('/api/v1/approvals').expect(401);
});
