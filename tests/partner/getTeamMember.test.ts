import { createTeamMember } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/team-members/{id}', () => {
  let w: PartnerWorld;
  let amelie: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:team');
    amelie = await createTeamMember(w.h.db, w.org, {
      name: 'Amélie Dubois', email: 'amelie@traiteur.example', role: 'closer', commissionRateBps: 1250, externalUserId: 'user_2abcXYZ',
      createdAt: '2026-01-12T08:30:00Z', updatedAt: '2026-03-02T09:00:00Z',
    });
    foreign = await createTeamMember(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the member with role and commission rate in basis points', async () => {
    const res = await w.get(`/api/v1/team-members/${amelie}`).expect(200);
    expect(res.body).toEqual({
      id: amelie, external_user_id: 'user_2abcXYZ', name: 'Amélie Dubois', email: 'amelie@traiteur.example', role: 'closer',
      commission_rate_bps: 1250, active: true, created_at: '2026-01-12T08:30:00Z', updated_at: '2026-03-02T09:00:00Z',
    });
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
  });

  it('answers 404 for an unknown id and for another organisation’s member alike', async () => {
    await expectNotFound(w, '/api/v1/team-members', foreign, 'Team member');
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/team-members/amelie'), ['path', 'id']);
  });
});
