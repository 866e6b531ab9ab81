// The catalogue of event types. The POS ones are written by triggers (sql/migrations/4_webhooks.sql);
// `webhook.test` only by POST /webhooks/{id}/test. Each type's payload schema is in the spec's
// top-level `webhooks:` section (OpenAPI 3.1), served by GET /webhook-event-types.

export interface EventTypeInfo {
  type: string;
  description: string;
  /** Whether an endpoint can subscribe to it (webhook.test is sent on request only). */
  subscribable: boolean;
}

export const EVENT_TYPES: readonly EventTypeInfo[] = [
  { type: 'client.created', description: 'A customer was created. GDPR-masked like GET /clients/{id}.', subscribable: true },
  { type: 'client.updated', description: 'A customer changed (contact details, consent, loyalty…). GDPR-masked like GET /clients/{id}.', subscribable: true },
  { type: 'produit.created', description: 'A product was created.', subscribable: true },
  { type: 'produit.updated', description: 'A product changed (price, VAT rate, active…).', subscribable: true },
  { type: 'promotion.created', description: 'A promotion was created.', subscribable: true },
  { type: 'promotion.updated', description: 'A promotion changed.', subscribable: true },
  { type: 'ticket.created', description: 'A ticket was recorded, with its lines as committed in the same transaction.', subscribable: true },
  { type: 'webhook.test', description: 'Sent by POST /api/v1/webhooks/{id}/test to check an endpoint; never sent otherwise.', subscribable: false },
];

export const TEST_EVENT_TYPE = 'webhook.test';
