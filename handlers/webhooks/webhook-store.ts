// Reading a subscription of the caller's organisation: an id of another one is simply not found.
// Subscriptions belong to an owner: the organisation itself (project_id null, /api/v1/webhooks) or
// one of its projects (/api/v1/projects/{project_id}/webhooks). Each API sees its owner's only.
import type pg from 'pg';
import { notFound } from '../../src/errors';
import { WEBHOOK_COLUMNS, type WebhookRow } from './webhook-row';

export interface WebhookOwner {
  orgId: string;
  /** null: the organisation's own subscriptions; else that project's. */
  projectId: string | null;
}

export const orgOwner = (orgId: string): WebhookOwner => ({ orgId, projectId: null });

/** The SQL condition selecting the owner's subscriptions, with its two parameters from `$first`. */
export const ownedBy = (owner: WebhookOwner, first: number) => ({
  sql: `org_id = $${first} AND project_id IS NOT DISTINCT FROM $${first + 1}::uuid`,
  params: [owner.orgId, owner.projectId],
});

export async function findWebhook(db: pg.Pool | pg.PoolClient, owner: WebhookOwner, id: string, opts: { forUpdate?: boolean } = {}): Promise<WebhookRow> {
  const own = ownedBy(owner, 2);
  const { rows } = await db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND ${own.sql}${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id, ...own.params]);
  if (!rows[0]) throw notFound('Webhook');
  return rows[0];
}

/** Audit metadata names the host only: a URL's path or query may carry the receiver's own token. */
export const auditHost = (url: string) => new URL(url).host;
