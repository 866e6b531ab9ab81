import { loadSpec } from '../../src/app';
import { startWorld, type World } from './support';

describe('GET /api/v1/webhook-event-types', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w.h.close());

  it('lists every event type, alphabetically, each with the JSON Schema of its payload', async () => {
    const res = await w.h.api.get('/api/v1/webhook-event-types').set('X-API-Key', w.key).expect(200);
    const types = res.body.items.map((t: { type: string }) => t.type);
    expect(types).toEqual([
      'call.canceled', 'call.completed', 'client.created', 'client.updated', 'lead.created', 'lead.updated', 'payment.refunded', 'payment.succeeded',
      'produit.created', 'produit.updated', 'promotion.created', 'promotion.updated', 'team_member.created', 'ticket.created', 'webhook.test',
    ]);
    expect(res.body).toMatchObject({ total: 15, limit: 50, offset: 0 });
    // The same types as the spec's `webhooks` section, and as a subscription accepts.
    const spec = loadSpec() as unknown as { webhooks: Record<string, unknown>; components: { schemas: { WebhookEventType: { enum: string[] } } } };
    expect(Object.keys(spec.webhooks).sort()).toEqual(types);
    const subscribable = res.body.items.filter((t: { subscribable: boolean }) => t.subscribable).map((t: { type: string }) => t.type);
    expect(subscribable).toEqual([...spec.components.schemas.WebhookEventType.enum].sort());

    // Each with the read scope a subscription to it needs (x-required-scope in the spec).
    expect(Object.fromEntries(res.body.items.map((t: { type: string; required_scope: string | null }) => [t.type, t.required_scope]))).toEqual({
      'call.canceled': 'read:calls',
      'call.completed': 'read:calls',
      'client.created': 'read:clients',
      'client.updated': 'read:clients',
      'lead.created': 'read:leads',
      'lead.updated': 'read:leads',
      'payment.refunded': 'read:payments',
      'payment.succeeded': 'read:payments',
      'produit.created': 'read:catalogue',
      'produit.updated': 'read:catalogue',
      'promotion.created': 'read:promotions',
      'promotion.updated': 'read:promotions',
      'team_member.created': 'read:team',
      'ticket.created': 'read:tickets',
      'webhook.test': null,
    });

    const ticket = res.body.items.find((t: { type: string }) => t.type === 'ticket.created');
    expect(ticket.schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', required: ['id', 'type', 'timestamp', 'data'], properties: { type: { const: 'ticket.created' } } });
    expect(JSON.stringify(ticket.schema)).not.toContain('$ref'); // self-contained
    expect(ticket.schema.properties.data.required).toEqual(['lignes']);
  });

  it('pages like every list', async () => {
    const res = await w.h.api.get('/api/v1/webhook-event-types?limit=2&offset=14').set('X-API-Key', w.key).expect(200);
    expect(res.body).toMatchObject({ total: 15, limit: 2, offset: 14, items: [{ type: 'webhook.test', subscribable: false }] });
  });
});
