import { createBookingLink, createCall, createLead, createTeamMember } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/calls/{id}', () => {
  let w: PartnerWorld;
  let lead: string;
  let amelie: string;
  let link: string;
  let held: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:calls');
    amelie = await createTeamMember(w.h.db, w.org);
    link = await createBookingLink(w.h.db, w.org, { memberIds: [amelie] });
    lead = await createLead(w.h.db, w.org, { bookingLinkId: link });
    held = await createCall(w.h.db, w.org, {
      leadId: lead, teamMemberId: amelie, bookingLinkId: link, scheduledAt: '2026-05-12T08:00:00Z', durationMinutes: 34,
      status: 'completed', endedAt: '2026-05-12T08:34:00Z', outcome: 'won', recordingUrl: 'https://recordings.aura.example/calls/1.mp3',
      createdAt: '2026-05-10T18:42:07Z', updatedAt: '2026-05-12T08:35:12Z',
    });
    const otherLead = await createLead(w.h.db, w.other);
    foreign = await createCall(w.h.db, w.other, { leadId: otherLead });
  });
  afterAll(() => w.h.close());

  it('answers the call with its schedule, status, outcome and recording', async () => {
    expect((await w.get(`/api/v1/calls/${held}`).expect(200)).body).toEqual({
      id: held, lead_id: lead, team_member_id: amelie, booking_link_id: link, scheduled_at: '2026-05-12T08:00:00Z', duration_minutes: 34,
      ended_at: '2026-05-12T08:34:00Z', status: 'completed', outcome: 'won', recording_url: 'https://recordings.aura.example/calls/1.mp3',
      created_at: '2026-05-10T18:42:07Z', updated_at: '2026-05-12T08:35:12Z',
    });
  });

  it('a scheduled call has no end, outcome or recording yet (and the database refuses one)', async () => {
    const booked = await createCall(w.h.db, w.org, { leadId: lead });
    expect((await w.get(`/api/v1/calls/${booked}`).expect(200)).body).toMatchObject({ status: 'scheduled', ended_at: null, outcome: null, recording_url: null, team_member_id: null });
    await expect(w.h.db.query(`UPDATE calls SET outcome = 'won' WHERE id = $1`, [booked])).rejects.toMatchObject({ code: '23514' });
  });

  it('answers 404 for an unknown id and for another organisation’s call alike', async () => {
    await expectNotFound(w, '/api/v1/calls', foreign, 'Call');
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/calls/42'), ['path', 'id']);
  });
});
