// The transactional outbox: POS writes publish events through triggers, in the writer's own
// transaction, whoever the writer is (here: plain SQL, as the POS or a psql session would).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import pg from 'pg';
import { eventTypeCatalogue } from '../../src/webhooks/event-schemas';
import { createOrg } from '../helpers/factories';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from '../helpers/db';
import { createClient, createProduit, createPromotion, createTicket } from '../helpers/pos-factories';
import { createEndpoint, deliveriesOf } from './support';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map(eventTypeCatalogue().map((t) => [t.type, ajv.compile(t.schema)]));

describe('the webhook outbox', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 4 }));
  });
  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  const url = 'https://receiver.invalid/hooks'; // never connected to: no worker runs in this file

  async function eventsOf(orgId: string) {
    const { rows } = await db.query('SELECT * FROM webhook_events WHERE org_id = $1 ORDER BY id', [orgId]);
    return rows;
  }

  it('a rolled-back write publishes nothing', async () => {
    const org = await createOrg(db);
    const ep = await createEndpoint(db, { orgId: org.id, url, events: ['client.created', 'ticket.created'] });
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      await createClient(c, org.id);
      // Inside the transaction the event is there, with its delivery…
      expect((await c.query('SELECT count(*)::int AS n FROM webhook_events WHERE org_id = $1', [org.id])).rows[0].n).toBe(1);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    // …and it goes with the rollback.
    expect(await eventsOf(org.id)).toEqual([]);
    expect(await deliveriesOf(db, ep.id)).toEqual([]);
  });

  it('a committed write publishes one event with exactly one delivery per subscribed endpoint', async () => {
    const org = await createOrg(db);
    const a = await createEndpoint(db, { orgId: org.id, url, events: ['client.created'] });
    const b = await createEndpoint(db, { orgId: org.id, url, events: ['client.created', 'client.updated'] });
    const notSubscribed = await createEndpoint(db, { orgId: org.id, url, events: ['ticket.created'] });
    const off = await createEndpoint(db, { orgId: org.id, url, events: ['client.created'], active: false });
    const other = await createOrg(db);
    const otherOrg = await createEndpoint(db, { orgId: other.id, url, events: ['client.created'] });

    const clientId = await createClient(db, org.id);

    const events = await eventsOf(org.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'client.created', data: expect.objectContaining({ id: clientId }) });
    expect(events[0].id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    for (const ep of [a, b]) {
      const ds = await deliveriesOf(db, ep.id);
      expect(ds).toHaveLength(1);
      expect(ds[0]).toMatchObject({ event_id: events[0].id, status: 'pending', attempts: 0 });
    }
    for (const ep of [notSubscribed, off, otherOrg]) expect(await deliveriesOf(db, ep.id)).toEqual([]);
    expect(await eventsOf(other.id)).toEqual([]);
  });

  it('an organisation with no subscriber gets no event at all (bulk writes stay cheap)', async () => {
    const org = await createOrg(db);
    await db.query(`INSERT INTO clients (org_id, nom) SELECT $1, 'n' || g FROM generate_series(1, 500) g`, [org.id]);
    expect(await eventsOf(org.id)).toEqual([]);
  });

  it('one statement writing many rows publishes one event per row', async () => {
    const org = await createOrg(db);
    const ep = await createEndpoint(db, { orgId: org.id, url, events: ['produit.created'] });
    await db.query(`INSERT INTO produits (org_id, nom, prix_ttc, taux_tva) SELECT $1, 'p' || g, 100 * g, 21 FROM generate_series(1, 25) g`, [org.id]);
    const events = await eventsOf(org.id);
    expect(events).toHaveLength(25);
    expect(new Set(events.map((e) => e.id)).size).toBe(25);
    expect(await deliveriesOf(db, ep.id)).toHaveLength(25);
  });

  it('client payloads are GDPR-masked exactly like the API, and validate against the spec', async () => {
    const org = await createOrg(db);
    await createEndpoint(db, { orgId: org.id, url, events: ['client.created', 'client.updated'] });
    const masked = await createClient(db, org.id, { consent: false, email: 'hidden@example.be', telephone: '+32 470 00 00 00' });
    const shown = await createClient(db, org.id, { consent: true, email: 'shown@example.be' });
    const events = await eventsOf(org.id);
    const byId = (id: string) => events.find((e) => e.data.id === id)!;
    expect(byId(masked).data).toMatchObject({ email: null, telephone: '' });
    expect(JSON.stringify(byId(masked).data)).not.toMatch(/hidden@example\.be|470 00 00 00/);
    expect(byId(shown).data).toMatchObject({ email: 'shown@example.be' });
    const { rows: api } = await db.query('SELECT pos_client_json(c) AS j FROM clients c WHERE id = $1', [masked]);
    expect(byId(masked).data).toEqual(api[0].j);
    for (const e of events) {
      const validate = validators.get(e.type)!;
      const payload = { id: e.id, type: e.type, timestamp: e.created_at.toISOString(), data: e.data };
      expect(validate(payload) || validate.errors).toBe(true);
    }
  });

  it('client.updated: one event per changed row; an UPDATE that changes nothing is not news', async () => {
    const org = await createOrg(db);
    const ep = await createEndpoint(db, { orgId: org.id, url, events: ['client.updated'] });
    const id = await createClient(db, org.id, { consent: true });
    await db.query('UPDATE clients SET points_fidelite = 120 WHERE id = $1', [id]);
    await db.query('UPDATE clients SET points_fidelite = 120 WHERE id = $1', [id]); // same value
    const events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(['client.updated']);
    expect(events[0].data.fidelite.points).toBe(120);
    expect(await deliveriesOf(db, ep.id)).toHaveLength(1);
  });

  it('ticket.created carries the lines written later in the same transaction, and validates', async () => {
    const org = await createOrg(db);
    await createEndpoint(db, { orgId: org.id, url, events: ['ticket.created'] });
    const client = await createClient(db, org.id, { consent: false });
    // The factory inserts the ticket, then its lines, in one transaction (as the POS does).
    const ticketId = await createTicket(db, org.id, { clientId: client, lignes: [{ libelle: 'Orval' }, { libelle: 'Westmalle', prixUnitaire: 480 }] });
    const [event] = await eventsOf(org.id);
    expect(event.type).toBe('ticket.created');
    expect(event.data.id).toBe(ticketId);
    expect(event.data.lignes.map((l: { libelle: string }) => l.libelle)).toEqual(['Orval', 'Westmalle']);
    expect(event.data.client).toMatchObject({ id: client, email: null, telephone: '' });
    const validate = validators.get('ticket.created')!;
    expect(validate({ id: event.id, type: event.type, timestamp: event.created_at.toISOString(), data: event.data }) || validate.errors).toBe(true);
  });

  it('promotion events carry the products and families as committed, and a change of them is promotion.updated', async () => {
    const org = await createOrg(db);
    await createEndpoint(db, { orgId: org.id, url, events: ['promotion.created', 'promotion.updated'] });
    const produit = await createProduit(db, org.id);
    const promo = await createPromotion(db, org.id, { produitIds: [produit] });
    let events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(['promotion.created']);
    expect(events[0].data.produit_ids).toEqual([produit]);

    const other = await createProduit(db, org.id, { nom: 'Chimay' });
    await db.query('INSERT INTO promotion_produits (org_id, promotion_id, produit_id) VALUES ($1, $2, $3)', [org.id, promo, other]);
    events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(['promotion.created', 'promotion.updated']);
    expect(events[1].data.produit_ids.sort()).toEqual([produit, other].sort());
  });

  it('a row deleted before commit keeps the event as it was written', async () => {
    const org = await createOrg(db);
    await createEndpoint(db, { orgId: org.id, url, events: ['produit.created'] });
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      const id = await createProduit(c, org.id, { nom: 'Éphémère' });
      await c.query('DELETE FROM produits WHERE id = $1', [id]);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const [event] = await eventsOf(org.id);
    expect(event.data.nom).toBe('Éphémère');
  });

  it('deleting an organisation deletes its endpoints, events and deliveries', async () => {
    const org = await createOrg(db);
    await createEndpoint(db, { orgId: org.id, url, events: ['client.created'] });
    await createClient(db, org.id);
    await db.query('DELETE FROM organisations WHERE id = $1', [org.id]);
    expect(await eventsOf(org.id)).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE org_id = $1', [org.id])).rows[0].n).toBe(0);
  });

  it('event ids are unique and ordered by time', async () => {
    const { rows } = await db.query('SELECT webhook_event_id() AS id FROM generate_series(1, 2000)');
    const ids = rows.map((r) => r.id as string);
    expect(new Set(ids).size).toBe(2000);
    const later = (await db.query('SELECT pg_sleep(0.002), webhook_event_id() AS id')).rows[0].id as string;
    expect(ids.every((id) => id.slice(0, 14) <= later.slice(0, 14))).toBe(true);
  });
});
