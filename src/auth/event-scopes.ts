// Webhook subscriptions and read scopes: nobody receives by webhook what they could not read
// through the API. Each event type names the read scope a subscriber needs in the spec
// (`x-required-scope`, generated/event-types.ts). Unlike an operation's scopes, which the access
// layer checks from the spec before the handler runs, these depend on the request body (the
// events listed), so createWebhook/updateWebhook ask here — the one place that decides.
import { ApiError, type ErrorDetail } from '../errors';
import { hasScope, type Principal } from './principal';
import { eventTypeInfo } from '../webhooks/event-types';

/**
 * Refuses (403 INSUFFICIENT_SCOPE, naming each scope and event) a subscription listing an event
 * whose required read scope the principal lacks. `loc` places each refused event in the details.
 */
export function assertMaySubscribe(
  principal: Principal,
  events: readonly string[],
  loc: (index: number) => Array<string | number> = (index) => ['body', 'events', index],
): void {
  const missing: Array<{ index: number; type: string; scope: string }> = [];
  events.forEach((type, index) => {
    const scope = eventTypeInfo(type)?.requiredScope;
    if (scope && !hasScope(principal, scope)) missing.push({ index, type, scope });
  });
  if (!missing.length) return;
  const details: ErrorDetail[] = missing.map((m) => ({
    loc: loc(m.index),
    msg: `${m.type} needs the scope ${m.scope}`,
    type: 'scope',
  }));
  const list = missing.map((m) => `${m.scope} (for ${m.type})`).join(', ');
  throw new ApiError('INSUFFICIENT_SCOPE', `This API key lacks the scope ${list}: a subscription may carry only what the caller may read`, { details });
}
