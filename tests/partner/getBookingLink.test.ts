import { createBookingLink, createProduct, createTeamMember } from '../helpers/partner-factories';
import { expectInvalid, expectNotFound, partnerWorld, type PartnerWorld } from './world';

describe('GET /api/v1/booking-links/{id}', () => {
  let w: PartnerWorld;
  let link: string;
  let members: string[];
  let product: string;
  let foreign: string;
  beforeAll(async () => {
    w = await partnerWorld('read:booking_links');
    members = [await createTeamMember(w.h.db, w.org), await createTeamMember(w.h.db, w.org)];
    product = await createProduct(w.h.db, w.org);
    link = await createBookingLink(w.h.db, w.org, {
      name: 'Wedding consultation', slug: 'wedding-consultation', durationMinutes: 45, distribution: 'round_robin', productId: product,
      locationType: 'video', timeZone: 'Europe/Brussels', memberIds: members, createdAt: '2026-01-15T14:00:00Z',
    });
    foreign = await createBookingLink(w.h.db, w.other);
  });
  afterAll(() => w.h.close());

  it('answers the link with its public url and its members (by id)', async () => {
    const res = await w.get(`/api/v1/booking-links/${link}`).expect(200);
    expect(res.body).toEqual({
      id: link, name: 'Wedding consultation', slug: 'wedding-consultation', url: `https://book.aura.example/${w.org.slice(0, 8)}/wedding-consultation`,
      active: true, duration_minutes: 45, distribution: 'round_robin', team_member_ids: [...members].sort(), product_id: product,
      location_type: 'video', time_zone: 'Europe/Brussels', created_at: '2026-01-15T14:00:00Z', updated_at: '2026-01-15T14:00:00Z',
    });
  });

  it('a link without members lists none', async () => {
    const bare = await createBookingLink(w.h.db, w.org, { slug: 'bare' });
    expect((await w.get(`/api/v1/booking-links/${bare}`).expect(200)).body).toMatchObject({ team_member_ids: [], product_id: null, distribution: 'single' });
  });

  it('answers 404 for an unknown id and for another organisation’s link alike', async () => {
    await expectNotFound(w, '/api/v1/booking-links', foreign, 'Booking link');
  });

  it('answers 400 naming the id when it is not a UUID (a slug is not an id)', async () => {
    expectInvalid(await w.get('/api/v1/booking-links/wedding-consultation'), ['path', 'id']);
  });
});
