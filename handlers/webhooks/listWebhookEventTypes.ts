import type { Handler } from '../../src/handler';
import { eventTypeCatalogue } from '../../src/webhooks/event-schemas';

export const listWebhookEventTypes: Handler<'listWebhookEventTypes'> = async (_ctx, req) => {
  const { limit = 50, offset = 0 } = req.query;
  const all = eventTypeCatalogue();
  return { status: 200, body: { items: all.slice(offset, offset + limit), total: all.length, limit, offset } };
};
