import { createTeamMember } from '../helpers/partner-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type PartnerWorld } from './world';

describe('GET /api/v1/team-members', () => {
  let w: PartnerWorld;
  let m: Record<'owner' | 'closer' | 'setter' | 'former', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:team');
    m = {
      owner: await createTeamMember(w.h.db, w.org, { name: 'Sophie', role: 'owner', commissionRateBps: 0, createdAt: '2026-01-01T09:00:00Z', updatedAt: '2026-04-01T09:00:00Z' }),
      closer: await createTeamMember(w.h.db, w.org, { name: 'Amélie', role: 'closer', createdAt: '2026-01-12T08:30:00Z', updatedAt: '2026-03-02T09:00:00Z' }),
      setter: await createTeamMember(w.h.db, w.org, { name: 'Bram', role: 'setter', commissionRateBps: 300, createdAt: '2026-02-01T08:00:00Z' }),
      former: await createTeamMember(w.h.db, w.org, { name: 'Hugo', role: 'closer', active: false, createdAt: '2026-02-15T08:00:00Z', updatedAt: '2026-05-01T08:00:00Z' }),
    };
    foreign = await createTeamMember(w.h.db, w.other, { name: 'Foreign', role: 'closer' });
  });
  afterAll(() => w.h.close());

  it('lists the team oldest first (created_at, id), with the envelope', async () => {
    const res = await w.get('/api/v1/team-members').expect(200);
    expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([m.owner, m.closer, m.setter, m.former]);
    expect(res.body.items[2]).toEqual({
      id: m.setter, external_user_id: null, name: 'Bram', email: expect.stringMatching(/@traiteur\.example$/), role: 'setter',
      commission_rate_bps: 300, active: true, created_at: '2026-02-01T08:00:00Z', updated_at: '2026-02-01T08:00:00Z',
    });
  });

  it('filters by role and by active', async () => {
    expect(ids((await w.get('/api/v1/team-members?role=closer').expect(200)).body.items)).toEqual([m.closer, m.former]);
    expect(ids((await w.get('/api/v1/team-members?role=closer&active=true').expect(200)).body.items)).toEqual([m.closer]);
    expect(ids((await w.get('/api/v1/team-members?active=false').expect(200)).body.items)).toEqual([m.former]);
  });

  it('with updated_since: only members changed since, by updated_at then id', async () => {
    const res = await w.get('/api/v1/team-members?updated_since=2026-03-01T00:00:00Z').expect(200);
    expect(ids(res.body.items)).toEqual([m.closer, m.owner, m.former]);
  });

  it('pages with limit/offset and never shows another organisation’s members', async () => {
    const page = await w.get('/api/v1/team-members?limit=2&offset=2').expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(ids(page.body.items)).toEqual([m.setter, m.former]);
    expect(ids(await walk(w, '/api/v1/team-members'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/team-members', '', w.otherKey))).toEqual([foreign]);
  });

  it.each([...BAD_LIST_QUERIES, ['role=boss', 'role'], ['active=yes', 'active']])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/team-members?${query}`), ['query', field]);
  });
});
