import { createBookingLink, createLead, createTeamMember } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/leads/{id}', () => {
  let w: PartnerWorld;
  let julie: string;
  let amelie: string;
  let link: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:leads');
    amelie = await createTeamMember(w.h.db, w.org);
    link = await createBookingLink(w.h.db, w.org, { memberIds: [amelie] });
    julie = await createLead(w.h.db, w.org, {
      firstName: 'Julie', lastName: 'Martin', email: 'julie.martin@example.com', phone: '+32470123456', status: 'booked',
      utm: { source: 'instagram', medium: 'paid_social', campaign: 'weddings-2026' }, assignedToId: amelie, bookingLinkId: link,
      lastContactedAt: '2026-05-11T09:15:00Z', createdAt: '2026-05-10T18:42:07Z', updatedAt: '2026-05-11T09:15:00Z',
    });
    foreign = await createLead(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the lead with its source, UTM parameters and assignment', async () => {
    const res = await w.get(`/api/v1/leads/${julie}`).expect(200);
    expect(res.body).toEqual({
      id: julie, first_name: 'Julie', last_name: 'Martin', email: 'julie.martin@example.com', phone: '+32470123456',
      status: 'booked', source: 'booking_link',
      utm: { source: 'instagram', medium: 'paid_social', campaign: 'weddings-2026', content: null, term: null },
      assigned_to_id: amelie, booking_link_id: link, last_contacted_at: '2026-05-11T09:15:00Z',
      created_at: '2026-05-10T18:42:07Z', updated_at: '2026-05-11T09:15:00Z',
    });
  });

  it('an unassigned lead without contact details but a name: nulls, never missing keys', async () => {
    const bare = await createLead(w.h.db, w.org, { firstName: 'Noor', lastName: '', email: null });
    expect((await w.get(`/api/v1/leads/${bare}`).expect(200)).body).toMatchObject({
      email: null, phone: null, assigned_to_id: null, booking_link_id: null, last_contacted_at: null, status: 'new', source: 'manual',
      utm: { source: null, medium: null, campaign: null, content: null, term: null },
    });
  });

  it('answers 404 for an unknown id and for another organisation’s lead alike', async () => {
    await expectNotFound(w, '/api/v1/leads', foreign, 'Lead');
  });

  it('answers 400 naming the id when it is not a UUID', async () => {
    expectInvalid(await w.get('/api/v1/leads/julie'), ['path', 'id']);
  });
});
