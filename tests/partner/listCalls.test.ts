import { createCall, createLead, createTeamMember } from '../helpers/partner-factories';
import { BAD_LIST_QUERIES, expectInvalid, ids, partnerWorld, walk, type PartnerWorld } from './world';

describe('GET /api/v1/calls', () => {
  let w: PartnerWorld;
  let julie: string;
  let marc: string;
  let amelie: string;
  let bram: string;
  let c: Record<'sundayLate' | 'mondayFirst' | 'wednesday' | 'sundayLast' | 'nextMonday', string>;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:calls');
    amelie = await createTeamMember(w.h.db, w.org, { name: 'Amélie' });
    bram = await createTeamMember(w.h.db, w.org, { name: 'Bram' });
    julie = await createLead(w.h.db, w.org, { firstName: 'Julie' });
    marc = await createLead(w.h.db, w.org, { firstName: 'Marc' });
    // Booked in another order than they are scheduled: the list follows the calendar.
    // Brussels is UTC+2 in May: the week 11–17 May is [10 May 22:00Z, 17 May 22:00Z).
    c = {
      wednesday: await createCall(w.h.db, w.org, {
        leadId: julie, teamMemberId: amelie, scheduledAt: '2026-05-13T08:00:00Z', status: 'completed', endedAt: '2026-05-13T08:30:00Z', outcome: 'won',
        createdAt: '2026-05-01T10:00:00Z', updatedAt: '2026-05-13T08:31:00Z',
      }),
      sundayLate: await createCall(w.h.db, w.org, { leadId: marc, teamMemberId: bram, scheduledAt: '2026-05-10T21:59:59Z', status: 'no_show', createdAt: '2026-05-02T10:00:00Z' }),
      mondayFirst: await createCall(w.h.db, w.org, { leadId: julie, teamMemberId: bram, scheduledAt: '2026-05-10T22:00:00Z', status: 'canceled', createdAt: '2026-05-03T10:00:00Z' }),
      sundayLast: await createCall(w.h.db, w.org, {
        leadId: marc, teamMemberId: amelie, scheduledAt: '2026-05-17T21:59:59Z', status: 'completed', endedAt: '2026-05-17T22:30:00Z', outcome: 'follow_up',
        createdAt: '2026-05-04T10:00:00Z',
      }),
      nextMonday: await createCall(w.h.db, w.org, { leadId: julie, scheduledAt: '2026-05-17T22:00:00Z', createdAt: '2026-05-05T10:00:00Z' }),
    };
    const theirLead = await createLead(w.h.db, w.other);
    foreign = await createCall(w.h.db, w.other, { leadId: theirLead, scheduledAt: '2026-05-13T08:00:00Z' });
  });
  afterAll(() => w.h.close());

  it('lists calls in calendar order (scheduled_at, id), not in booking order', async () => {
    const res = await w.get('/api/v1/calls').expect(200);
    expect(res.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual([c.sundayLate, c.mondayFirst, c.wednesday, c.sundayLast, c.nextMonday]);
  });

  it('filters by lead, team member, status and outcome', async () => {
    expect(ids((await w.get(`/api/v1/calls?lead_id=${julie}`).expect(200)).body.items)).toEqual([c.mondayFirst, c.wednesday, c.nextMonday]);
    expect(ids((await w.get(`/api/v1/calls?team_member_id=${amelie}`).expect(200)).body.items)).toEqual([c.wednesday, c.sundayLast]);
    expect(ids((await w.get('/api/v1/calls?status=completed').expect(200)).body.items)).toEqual([c.wednesday, c.sundayLast]);
    expect(ids((await w.get('/api/v1/calls?outcome=won').expect(200)).body.items)).toEqual([c.wednesday]);
    expect(ids((await w.get(`/api/v1/calls?team_member_id=${bram}&status=no_show`).expect(200)).body.items)).toEqual([c.sundayLate]);
  });

  it('scheduled_from/scheduled_to are whole days in the organisation’s time zone', async () => {
    const week = await w.get('/api/v1/calls?scheduled_from=2026-05-11&scheduled_to=2026-05-17').expect(200);
    expect(ids(week.body.items)).toEqual([c.mondayFirst, c.wednesday, c.sundayLast]);
    expect(ids((await w.get('/api/v1/calls?scheduled_to=2026-05-10').expect(200)).body.items)).toEqual([c.sundayLate]);
  });

  it('scheduled_to before scheduled_from is a 400 naming both', async () => {
    const res = await w.get('/api/v1/calls?scheduled_from=2026-05-17&scheduled_to=2026-05-11');
    expectInvalid(res, ['query', 'scheduled_from']);
    expectInvalid(res, ['query', 'scheduled_to']);
  });

  it('with updated_since: by updated_at then id', async () => {
    expect(ids((await w.get('/api/v1/calls?updated_since=2026-05-13T00:00:00Z').expect(200)).body.items)).toEqual([c.wednesday]);
  });

  it('never shows another organisation’s calls', async () => {
    expect(ids(await walk(w, '/api/v1/calls'))).not.toContain(foreign);
    expect(ids(await walk(w, '/api/v1/calls', '', w.otherKey))).toEqual([foreign]);
    expect((await w.get(`/api/v1/calls?lead_id=${julie}`, w.otherKey).expect(200)).body.total).toBe(0);
  });

  it.each([
    ...BAD_LIST_QUERIES, ['status=done', 'status'], ['outcome=maybe', 'outcome'], ['lead_id=julie', 'lead_id'],
    ['team_member_id=7', 'team_member_id'], ['scheduled_from=2026-02-30', 'scheduled_from'], ['scheduled_to=tomorrow', 'scheduled_to'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expectInvalid(await w.get(`/api/v1/calls?${query}`), ['query', field]);
  });
});
