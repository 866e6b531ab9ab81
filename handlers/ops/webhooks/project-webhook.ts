// A project's webhook subscriptions (/api/v1/projects/{project_id}/webhooks): the organisation
// webhooks' operations (handlers/webhooks/endpoint-operations.ts) with the project as the owner,
// behind the project's permission check. Only the project's events (`x-delivered-to: project`)
// can be listed: the request schema's enum says so.
import type { components } from '../../../generated/openapi-types';
import type { SecuredCtx } from '../../../src/handler';
import type { SubscriptionPolicy } from '../../webhooks/endpoint-operations';
import { webhookJson, type WebhookRow } from '../../webhooks/webhook-row';
import type { WebhookOwner } from '../../webhooks/webhook-store';
import { requireProjectPermission } from '../permissions';

export type ProjectWebhookJson = components['schemas']['ProjectWebhook'];

/** 404 when the project is out of reach, 403 when the caller's project role lacks the permission. */
export async function projectOwner(ctx: SecuredCtx, projectId: string, permission: 'webhooks.read' | 'webhooks.write'): Promise<WebhookOwner> {
  await requireProjectPermission(ctx.db, ctx.principal, projectId, permission);
  return { orgId: ctx.principal.orgId, projectId };
}

/**
 * Keys and identity-provider users need each event's read scope (run.* → runs:read); a console
 * user's project role decides instead (every role that may write webhooks may read runs).
 */
export const subscriptionPolicy = (ctx: SecuredCtx): SubscriptionPolicy => ({ checkScopes: ctx.principal.kind !== 'user' });

export function projectWebhookJson(row: WebhookRow, now: Date): ProjectWebhookJson {
  const { id, ...rest } = webhookJson(row, now);
  return { id, project_id: row.project_id!, ...rest, events: row.events as unknown as ProjectWebhookJson['events'] };
}
