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
      'approval.decided', 'approval.requested', 'call.canceled', 'call.completed', 'client.created', 'client.updated', 'lead.created', 'lead.updated', 'patch.executed', 'patch.rolled_back',
      'payment.refunded', 'payment.succeeded', 'produit.created', 'produit.updated', 'promotion.created', 'promotion.updated', 'run.cancelled', 'run.failed', 'run.succeeded',
      'team_member.created', 'ticket.created', 'webhook.test',
    ]);
    expect(res.body).toMatchObject({ total: 22, limit: 50, offset: 0 });
    // The same types as the spec's `webhooks` section, and as a subscription accepts.
    const spec = loadSpec() as unknown as { webhooks: Record<string, unknown>; components: { schemas: { WebhookEventType: { enum: string[] } } } };
    expect(Object.keys(spec.webhooks).sort()).toEqual(types);
    // An organisation's subscription lists the organisation's events; a project's, the project's (run.*).
    type Entry = { type: string; subscribable: boolean; delivered_to: string };
    const subscribable = (to: string) => res.body.items.filter((t: Entry) => t.subscribable && t.delivered_to === to).map((t: Entry) => t.type);
    const enums = spec.components.schemas as unknown as Record<'WebhookEventType' | 'ProjectWebhookEventType', { enum: string[] }>;
    expect(subscribable('organisation')).toEqual([...enums.WebhookEventType.enum].sort());
    expect(subscribable('project')).toEqual(['approval.decided', 'approval.requested', 'patch.executed', 'patch.rolled_back', 'run.cancelled', 'run.failed', 'run.succeeded']);
    expect([...enums.ProjectWebhookEventType.enum].sort()).toEqual(['approval.decided', 'approval.requested', 'patch.executed', 'patch.rolled_back', 'run.cancelled', 'run.failed', 'run.succeeded']);

    // Each with the read scope a subscription to it needs (x-required-scope in the spec).
    expect(Object.fromEntries(res.body.items.map((t: { type: string; required_scope: string | null }) => [t.type, t.required_scope]))).toEqual({
      'approval.decided': 'approvals:read',
      'approval.requested': 'approvals:read',
      'call.canceled': 'read:calls',
      'call.completed': 'read:calls',
      'client.created': 'read:clients',
      'client.updated': 'read:clients',
      'lead.created': 'read:leads',
      'lead.updated': 'read:leads',
      'patch.executed': 'patches:read',
      'patch.rolled_back': 'patches:read',
      'payment.refunded': 'read:payments',
      'payment.succeeded': 'read:payments',
      'produit.created': 'read:catalogue',
      'produit.updated': 'read:catalogue',
      'promotion.created': 'read:promotions',
      'promotion.updated': 'read:promotions',
      'run.cancelled': 'runs:read',
      'run.failed': 'runs:read',
      'run.succeeded': 'runs:read',
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
    const res = await w.h.api.get('/api/v1/webhook-event-types?limit=2&offset=21').set('X-API-Key', w.key).expect(200);
    expect(res.body).toMatchObject({ total: 22, limit: 2, offset: 21, items: [{ type: 'webhook.test', subscribable: false }] });
  });
});
