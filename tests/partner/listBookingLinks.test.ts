import { createBookingLink, createTeamMember } from '../helpers/partner-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type PartnerWorld } from './world';

describe('GET /api/v1/booking-links', () => {
  let w: PartnerWorld;
  let amelie: string;
  let bram: string;
  let l: Record<'wedding' | 'corporate' | 'paused', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:booking_links');
    amelie = await createTeamMember(w.h.db, w.org, { name: 'Amélie' });
    bram = await createTeamMember(w.h.db, w.org, { name: 'Bram' });
    l = {
      wedding: await createBookingLink(w.h.db, w.org, { slug: 'wedding', memberIds: [amelie, bram], createdAt: '2026-01-15T14:00:00Z' }),
      corporate: await createBookingLink(w.h.db, w.org, { slug: 'corporate', memberIds: [bram], createdAt: '2026-02-01T14:00:00Z' }),
      paused: await createBookingLink(w.h.db, w.org, { slug: 'paused', active: false, memberIds: [amelie], createdAt: '2026-02-10T14:00:00Z' }),
    };
    foreign = await createBookingLink(w.h.db, w.other, { slug: 'wedding' });
  });
  afterAll(() => w.h.close());

  it('lists links oldest first (created_at, id), each with its members', async () => {
    const res = await w.get('/api/v1/booking-links').expect(200);
    expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([l.wedding, l.corporate, l.paused]);
    expect(res.body.items[0].team_member_ids).toEqual([amelie, bram].sort());
    expect(res.body.items[1].team_member_ids).toEqual([bram]);
  });

  it('filters by active and by team member', async () => {
    expect(ids((await w.get('/api/v1/booking-links?active=true').expect(200)).body.items)).toEqual([l.wedding, l.corporate]);
    expect(ids((await w.get(`/api/v1/booking-links?team_member_id=${amelie}`).expect(200)).body.items)).toEqual([l.wedding, l.paused]);
    expect(ids((await w.get(`/api/v1/booking-links?team_member_id=${amelie}&active=true`).expect(200)).body.items)).toEqual([l.wedding]);
  });

  it('a change of members changes the link for updated_since (by updated_at then id)', async () => {
    const { rows } = await w.h.db.query(`SELECT now() AS t`);
    await w.h.db.query('INSERT INTO booking_link_members (org_id, booking_link_id, team_member_id) VALUES ($1, $2, $3)', [w.org, l.corporate, amelie]);
    const res = await w.get(`/api/v1/booking-links?updated_since=${encodeURIComponent(new Date(Math.floor(rows[0].t.getTime() / 1000) * 1000).toISOString())}`).expect(200);
    expect(ids(res.body.items)).toEqual([l.corporate]);
    expect(res.body.items[0].team_member_ids).toEqual([amelie, bram].sort());
  });

  it('never shows another organisation’s links (even with the same slug)', async () => {
    expect(ids(await walk(w, '/api/v1/booking-links'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/booking-links', '', w.otherKey))).toEqual([foreign]);
    // Another organisation's member matches none of our links.
    const theirs = await createTeamMember(w.h.db, w.other);
    expect((await w.get(`/api/v1/booking-links?team_member_id=${theirs}`).expect(200)).body.total).toBe(0);
  });

  it.each([...BAD_LIST_QUERIES, ['team_member_id=amelie', 'team_member_id'], ['active=maybe', 'active']])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/booking-links?${query}`), ['query', field]);
  });
});
